//! Many datagrams per system call on a connected UDP socket: sendmmsg(2) and recvmmsg(2)
//! where the system has them, one send(2) or recv(2) per datagram elsewhere. A query to a
//! server on the same machine costs less than a system call, so the calls themselves, and the
//! wake-up of the server after each one, were half of the client's time.
//!
//! Both calls are non-blocking and keep tokio's readiness state: `WouldBlock` when nothing can
//! be sent or received now; then await `writable()` or `readable()` and call again.

use std::io;

use tokio::net::UdpSocket;

/// Most datagrams per system call.
pub const MAX_BATCH: usize = 64;

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd"
))]
mod imp {
    use std::io::{self, IoSlice, IoSliceMut};
    use std::os::fd::AsRawFd;

    use nix::sys::socket::{ControlMessage, MsgFlags, MultiHeaders, recvmmsg, sendmmsg};
    use tokio::io::Interest;
    use tokio::net::UdpSocket;

    use super::MAX_BATCH;

    pub fn send(socket: &UdpSocket, datagrams: &[Vec<u8>]) -> io::Result<usize> {
        socket.try_io(Interest::WRITABLE, || send_now(socket, datagrams))
    }

    pub fn recv(
        socket: &UdpSocket,
        buffers: &mut [Vec<u8>],
        lens: &mut [usize],
    ) -> io::Result<usize> {
        socket.try_io(Interest::READABLE, || recv_now(socket, buffers, lens))
    }

    fn send_now(socket: &UdpSocket, datagrams: &[Vec<u8>]) -> io::Result<usize> {
        let datagrams = &datagrams[..datagrams.len().min(MAX_BATCH)];
        let slices: Vec<[IoSlice<'_>; 1]> = datagrams.iter().map(|d| [IoSlice::new(d)]).collect();
        // Connected: no address per datagram.
        let addrs: Vec<Option<()>> = vec![None; datagrams.len()];
        let mut headers = MultiHeaders::<()>::preallocate(datagrams.len(), None);
        let no_control: [ControlMessage<'_>; 0] = [];
        let sent = sendmmsg(
            socket.as_raw_fd(),
            &mut headers,
            &slices,
            &addrs,
            no_control,
            MsgFlags::MSG_DONTWAIT,
        )?;
        Ok(sent.count())
    }

    fn recv_now(
        socket: &UdpSocket,
        buffers: &mut [Vec<u8>],
        lens: &mut [usize],
    ) -> io::Result<usize> {
        let n = buffers.len().min(lens.len()).min(MAX_BATCH);
        let mut slices: Vec<[IoSliceMut<'_>; 1]> = buffers[..n]
            .iter_mut()
            .map(|b| [IoSliceMut::new(b)])
            .collect();
        let mut headers = MultiHeaders::<()>::preallocate(n, None);
        let received = recvmmsg(
            socket.as_raw_fd(),
            &mut headers,
            slices.iter_mut(),
            MsgFlags::MSG_DONTWAIT,
            None,
        )?;
        let mut count = 0;
        for (len, message) in lens.iter_mut().zip(received) {
            *len = message.bytes;
            count += 1;
        }
        Ok(count)
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd"
)))]
mod imp {
    use std::io;

    use tokio::net::UdpSocket;

    use super::MAX_BATCH;

    pub fn send(socket: &UdpSocket, datagrams: &[Vec<u8>]) -> io::Result<usize> {
        let mut sent = 0;
        for d in datagrams.iter().take(MAX_BATCH) {
            match socket.try_send(d) {
                Ok(_) => sent += 1,
                Err(e) if sent == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(sent)
    }

    pub fn recv(
        socket: &UdpSocket,
        buffers: &mut [Vec<u8>],
        lens: &mut [usize],
    ) -> io::Result<usize> {
        let mut count = 0;
        for (buf, len) in buffers.iter_mut().zip(lens.iter_mut()).take(MAX_BATCH) {
            match socket.try_recv(buf) {
                Ok(n) => *len = n,
                Err(e) if count == 0 => return Err(e),
                Err(_) => break,
            }
            count += 1;
        }
        Ok(count)
    }
}

/// Sends the first datagrams of `datagrams` (at most [`MAX_BATCH`]); how many went. An error
/// concerns the first datagram.
pub fn send(socket: &UdpSocket, datagrams: &[Vec<u8>]) -> io::Result<usize> {
    imp::send(socket, datagrams)
}

/// Receives datagrams into `buffers`, their lengths into `lens`; how many came.
pub fn recv(socket: &UdpSocket, buffers: &mut [Vec<u8>], lens: &mut [usize]) -> io::Result<usize> {
    imp::recv(socket, buffers, lens)
}
