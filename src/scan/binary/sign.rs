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
use x509_cert::name::Name;

/// The signing certificate's names as Windows shows them (`CN=Microsoft Corporation, O=Microsoft
/// Corporation, L=Redmond, S=Washington, C=US`): last RDN first, `, ` between attributes, `S` for
/// the state, values unescaped. Rule packs are written against this form.
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
        subject: display_name(&tbs.subject),
        issuer: display_name(&tbs.issuer),
    })
}

/// A distinguished name in the Windows form (see [`Signer`]).
pub fn display_name(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter().rev() {
        for atv in rdn.0.iter() {
            let key = short_name(&atv.oid.to_string());
            let value = attribute_text(&atv.value).unwrap_or_else(|| "#…".to_owned());
            parts.push(format!("{key}={value}"));
        }
    }
    parts.join(", ")
}

fn short_name(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "CN".to_owned(),
        "2.5.4.10" => "O".to_owned(),
        "2.5.4.11" => "OU".to_owned(),
        "2.5.4.7" => "L".to_owned(),
        "2.5.4.8" => "S".to_owned(),
        "2.5.4.6" => "C".to_owned(),
        "2.5.4.9" => "STREET".to_owned(),
        "2.5.4.5" => "SERIALNUMBER".to_owned(),
        "1.2.840.113549.1.9.1" => "E".to_owned(),
        other => format!("OID.{other}"),
    }
}

/// The text of a directory string: Printable, UTF-8, IA5, Teletex (read as Latin-1) or BMP.
fn attribute_text(value: &x509_cert::der::Any) -> Option<String> {
    use x509_cert::der::{Tag, Tagged};
    let bytes = value.value();
    let text = match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::VisibleString => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Tag::TeletexString => bytes.iter().map(|b| char::from(*b)).collect(),
        Tag::BmpString => {
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        _ => return None,
    };
    Some(text.chars().filter(|c| !c.is_control()).collect())
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
            .filter(|e| e.extn_id == SUBJECT_KEY_IDENTIFIER)
            .any(|e| {
                // The extension value is an OCTET STRING holding the key id.
                ski.to_der()
                    .is_ok_and(|der| e.extn_value.as_bytes() == der.as_slice())
            }),
    }
}

/// id-ce-subjectKeyIdentifier (2.5.29.14).
const SUBJECT_KEY_IDENTIFIER: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.29.14");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_windows_shows_them() {
        use std::str::FromStr;
        // RFC 4514 text lists the last RDN first, as certificates that store C first display.
        let name = Name::from_str(
            r"CN=Zoom Video Communications\, Inc.,O=Zoom Video Communications\, Inc.,ST=California,C=US",
        )
        .expect("name");
        let shown = display_name(&name);
        assert_eq!(
            shown,
            "CN=Zoom Video Communications, Inc., O=Zoom Video Communications, Inc., S=California, C=US"
        );
        let rules = crate::RuleSet::builtin().expect("rules");
        let zoom = rules.rule("zoom-binary-signer").expect("rule");
        assert!(crate::RuleSet::rule_fires(zoom, shown.as_bytes()));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for blob in [&b""[..], b"\x30", b"\x30\x03\x06\x01\x00", &[0xff; 64]] {
            assert!(signer(blob).is_err());
        }
    }
}
