//! The Authenticode signer of a PE image: the certificate table holds a PKCS#7 SignedData blob;
//! its one SignerInfo names the signing certificate by issuer and serial number (or by subject
//! key id), and that certificate's subject is the publisher.
//!
//! The signature is read, not verified: sovscan reports who a binary claims to be signed by,
//! which is what an inventory needs. Checking the chain is the job of the platform's loader.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode, SliceReader};

/// The signing certificate's names as RFC 4514 strings (last RDN first: `CN=...,O=...,C=...` for
/// the usual C-first certificates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub subject: String,
    pub issuer: String,
}

/// The signer of one `WIN_CERTIFICATE` PKCS#7 blob; `Err` names what is malformed.
pub fn signer(blob: &[u8]) -> Result<Signer, String> {
    // The blob is padded to 8 bytes: read one DER value and ignore what follows.
    let mut reader = SliceReader::new(blob).map_err(|e| format!("signature: {e}"))?;
    let info = ContentInfo::decode(&mut reader).map_err(|e| format!("signature: {e}"))?;
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("signature SignedData: {e}"))?;
    let signer_info = signed
        .signer_infos
        .0
        .as_slice()
        .first()
        .ok_or("signature has no SignerInfo")?;
    let certs = signed
        .certificates
        .as_ref()
        .ok_or("signature carries no certificates")?;
    let cert = certs
        .0
        .as_slice()
        .iter()
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => Some(cert),
            CertificateChoices::Other(_) => None,
        })
        .find(|cert| identifies(&signer_info.sid, cert))
        .ok_or("the signing certificate is not in the signature")?;
    let tbs = &cert.tbs_certificate;
    Ok(Signer {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
    })
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = &cert.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(is) => {
            is.serial_number == tbs.serial_number && is.issuer == tbs.issuer
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == const_oid_ski())
            .any(|e| {
                // The extension value is an OCTET STRING holding the key id.
                ski.to_der()
                    .is_ok_and(|der| e.extn_value.as_bytes() == der.as_slice())
            }),
    }
}

/// id-ce-subjectKeyIdentifier (2.5.29.14).
fn const_oid_ski() -> x509_cert::der::asn1::ObjectIdentifier {
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.29.14")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for blob in [&b""[..], b"\x30", b"\x30\x03\x06\x01\x00", &[0xff; 64]] {
            assert!(signer(blob).is_err());
        }
    }
}
