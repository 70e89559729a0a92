//! Java class files: the classes a class refers to, from its constant pool, and its string
//! constants. A class that calls `com.amazonaws.services.s3.AmazonS3Client` names it in a
//! `CONSTANT_Class` entry; field and method types name classes in descriptors.

/// The class-file magic number.
pub const MAGIC: [u8; 4] = [0xca, 0xfe, 0xba, 0xbe];
/// More constants than any real class has (the format allows 65,535).
const MAX_CONSTANTS: usize = 65_535;

/// What one class file refers to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JavaClass {
    /// The class itself, first, then the classes it refers to, dotted (`com.example.Upload`).
    pub classes: Vec<String>,
    /// String constants (`ldc "https://..."`).
    pub strings: Vec<String>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("class file truncated at byte {}", self.pos))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

enum Constant<'a> {
    Utf8(&'a [u8]),
    Class(u16),
    String(u16),
    Other,
}

/// Parses the constant pool and `this_class` of a class file.
pub fn parse(bytes: &[u8]) -> Result<JavaClass, String> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a class file".to_owned());
    }
    r.take(4)?; // minor, major version
    let count = usize::from(r.u16()?);
    let mut pool: Vec<Constant> = Vec::with_capacity(count.min(MAX_CONSTANTS));
    pool.push(Constant::Other); // index 0 is unused
    while pool.len() < count {
        let tag = r.take(1)?[0];
        let (c, slots) = match tag {
            1 => {
                let len = usize::from(r.u16()?);
                (Constant::Utf8(r.take(len)?), 1)
            }
            7 => (Constant::Class(r.u16()?), 1),
            8 => (Constant::String(r.u16()?), 1),
            3 | 4 | 9 | 10 | 11 | 12 | 17 | 18 => {
                r.take(4)?;
                (Constant::Other, 1)
            }
            5 | 6 => {
                r.take(8)?;
                (Constant::Other, 2)
            }
            15 => {
                r.take(3)?;
                (Constant::Other, 1)
            }
            16 | 19 | 20 => {
                r.take(2)?;
                (Constant::Other, 1)
            }
            t => {
                return Err(format!(
                    "unknown constant-pool tag {t} at byte {}",
                    r.pos - 1
                ));
            }
        };
        pool.push(c);
        if slots == 2 {
            pool.push(Constant::Other);
        }
    }
    r.take(2)?; // access flags
    let this_class = r.u16()?;
    let utf8 = |i: u16| match pool.get(usize::from(i)) {
        Some(Constant::Utf8(b)) => Some(*b),
        _ => None,
    };
    let mut out = JavaClass::default();
    let push_class = |internal: &[u8], out: &mut JavaClass| {
        let name = String::from_utf8_lossy(internal).replace('/', ".");
        if !name.is_empty() && !out.classes.contains(&name) {
            out.classes.push(name);
        }
    };
    if let Some(Constant::Class(i)) = pool.get(usize::from(this_class))
        && let Some(name) = utf8(*i)
    {
        push_class(name, &mut out);
    }
    for c in &pool {
        match c {
            Constant::Class(i) => {
                if let Some(name) = utf8(*i) {
                    descriptor_classes(name, &mut |n| push_class(n, &mut out));
                    if !name.starts_with(b"[") {
                        push_class(name, &mut out);
                    }
                }
            }
            Constant::String(i) => {
                if let Some(s) = utf8(*i) {
                    out.strings.push(String::from_utf8_lossy(s).into_owned());
                }
            }
            Constant::Utf8(s) if matches!(s.first(), Some(b'(' | b'L' | b'[')) => {
                descriptor_classes(s, &mut |n| push_class(n, &mut out));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Calls `f` with each `Lpkg/Name;` class named in a field or method descriptor.
fn descriptor_classes(desc: &[u8], f: &mut impl FnMut(&[u8])) {
    let mut i = 0;
    while let Some(l) = desc[i..].iter().position(|b| *b == b'L') {
        let start = i + l + 1;
        let Some(len) = desc[start..].iter().position(|b| *b == b';') else {
            return;
        };
        let name = &desc[start..start + len];
        let valid = name.contains(&b'/')
            && name
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'$'));
        if valid {
            f(name);
        }
        i = start + len + 1;
    }
}

/// The package of a dotted class name (`com.example` for `com.example.Upload`).
pub fn package_of(class: &str) -> Option<&str> {
    class.rsplit_once('.').map(|(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A class file with the given constants (tag, payload) and `this_class` index.
    pub(crate) fn class_file(constants: &[(u8, Vec<u8>)], this_class: u16) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend([0, 0, 0, 52]);
        b.extend(((constants.len() + 1) as u16).to_be_bytes());
        for (tag, payload) in constants {
            b.push(*tag);
            b.extend(payload);
        }
        b.extend([0, 0x21]);
        b.extend(this_class.to_be_bytes());
        b
    }

    fn utf8(s: &str) -> (u8, Vec<u8>) {
        let mut p = (s.len() as u16).to_be_bytes().to_vec();
        p.extend(s.as_bytes());
        (1, p)
    }

    #[test]
    fn reads_classes_descriptors_and_strings() {
        let b = class_file(
            &[
                utf8("eu/nordlicht/Upload"),
                (7, 1u16.to_be_bytes().to_vec()),
                utf8("com/amazonaws/services/s3/AmazonS3Client"),
                (7, 3u16.to_be_bytes().to_vec()),
                utf8("(Lcom/google/cloud/storage/Storage;)V"),
                utf8("https://storage.googleapis.com/upload"),
                (8, 6u16.to_be_bytes().to_vec()),
                (5, vec![0; 8]),
            ],
            2,
        );
        let c = parse(&b).expect("parse");
        assert_eq!(
            c.classes,
            [
                "eu.nordlicht.Upload",
                "com.amazonaws.services.s3.AmazonS3Client",
                "com.google.cloud.storage.Storage"
            ]
        );
        assert_eq!(c.strings, ["https://storage.googleapis.com/upload"]);
        assert_eq!(package_of(&c.classes[1]), Some("com.amazonaws.services.s3"));
    }

    #[test]
    fn truncated_and_bad_tags_are_errors() {
        let b = class_file(&[utf8("a/B"), (7, 1u16.to_be_bytes().to_vec())], 2);
        for cut in 0..b.len() {
            assert!(parse(&b[..cut]).is_err(), "cut at {cut}");
        }
        let bad = class_file(&[(99, vec![])], 1);
        assert!(parse(&bad).expect_err("bad tag").contains("tag 99"));
    }
}
