//! Executables and shared libraries, parsed with goblin: what they link, who made and signed
//! them, and the build metadata they carry.

use goblin::elf::Elf;
use goblin::elf::section_header::SHT_NOBITS;
use goblin::mach::{Mach, MachO, SingleArch};
use goblin::pe::PE;
use goblin::pe::certificate_table::AttributeCertificateType;

use super::{Extracted, buildinfo, dotnet, sign};
use crate::rules::BinaryFeature;

/// ELF: DT_NEEDED libraries, the soname, dynamic symbols and `cargo auditable` data.
pub fn elf(bytes: &[u8], out: &mut Extracted) -> Result<(), String> {
    let elf = Elf::parse(bytes).map_err(|e| format!("ELF: {e}"))?;
    for lib in &elf.libraries {
        out.push(BinaryFeature::Library, lib, None);
    }
    if out.wants(BinaryFeature::Symbol) {
        for sym in elf.dynsyms.iter() {
            if let Some(name) = elf.dynstrtab.get_at(sym.st_name).filter(|n| !n.is_empty()) {
                out.push(BinaryFeature::Symbol, name, None);
            }
        }
    }
    for sh in elf.section_headers.iter() {
        if sh.sh_type == SHT_NOBITS
            || elf.shdr_strtab.get_at(sh.sh_name) != Some(buildinfo::AUDITABLE_SECTION)
        {
            continue;
        }
        let data = slice(bytes, sh.sh_offset, sh.sh_size).ok_or("ELF: .dep-v0 out of bounds")?;
        auditable(data, out);
    }
    Ok(())
}

/// PE: imports and delay imports, VERSIONINFO strings, the Authenticode signer, .NET assembly
/// references and `cargo auditable` data.
pub fn pe(bytes: &[u8], out: &mut Extracted) -> Result<(), String> {
    let pe = PE::parse(bytes).map_err(|e| format!("PE: {e}"))?;
    for lib in &pe.libraries {
        out.push(BinaryFeature::Library, lib, None);
    }
    for lib in delay_imports(bytes, &pe) {
        out.push(BinaryFeature::Library, &lib, None);
    }
    if out.wants(BinaryFeature::Symbol) {
        for imp in &pe.imports {
            out.push(BinaryFeature::Symbol, &imp.name, None);
        }
    }
    if let Some(info) = pe
        .resource_data
        .as_ref()
        .and_then(|r| r.version_info.as_ref())
    {
        let s = &info.string_info;
        if let Some(v) = s.company_name() {
            out.push(BinaryFeature::Company, v.trim(), None);
        }
        for v in [s.product_name(), s.file_description()]
            .into_iter()
            .flatten()
        {
            out.push(BinaryFeature::Product, v.trim(), None);
        }
        if let Some(v) = s.original_filename() {
            out.push(BinaryFeature::String, v.trim(), None);
        }
    }
    for cert in pe.certificates.iter() {
        if cert.certificate_type != AttributeCertificateType::PkcsSignedData {
            continue;
        }
        match sign::signer(cert.certificate) {
            Ok(s) => {
                out.push(BinaryFeature::Signer, &s.subject, None);
                out.issuer.get_or_insert(s.issuer);
            }
            Err(e) => out.warnings.push(format!("Authenticode: {e}")),
        }
    }
    match dotnet::parse(bytes, &pe) {
        Ok(Some(net)) => {
            for name in net.assembly.iter().chain(&net.references) {
                out.push(BinaryFeature::Package, name, None);
            }
        }
        Ok(None) => {}
        Err(e) => out.warnings.push(format!(".NET metadata: {e}")),
    }
    for section in &pe.sections {
        if section.name().ok() != Some(buildinfo::AUDITABLE_SECTION) {
            continue;
        }
        let size = section.size_of_raw_data.min(section.virtual_size.max(1));
        if let Some(data) = slice(bytes, section.pointer_to_raw_data.into(), size.into()) {
            auditable(data, out);
        }
    }
    Ok(())
}

/// Names of delay-loaded DLLs (data directory 13), which goblin does not read.
fn delay_imports(bytes: &[u8], pe: &PE) -> Vec<String> {
    const DESCRIPTOR: usize = 32;
    const MAX_DLLS: usize = 4096;
    let Some(opt) = pe.header.optional_header else {
        return Vec::new();
    };
    let Some(dir) = opt.data_directories.get_delay_import_descriptor() else {
        return Vec::new();
    };
    let align = opt.windows_fields.file_alignment;
    let opts = goblin::pe::options::ParseOptions::default();
    let at = |rva: u32| goblin::pe::utils::find_offset(rva as usize, &pe.sections, align, &opts);
    let Some(mut off) = at(dir.virtual_address) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while out.len() < MAX_DLLS {
        let Some(desc) = bytes.get(off..off + DESCRIPTOR) else {
            break;
        };
        let name_rva = u32::from_le_bytes([desc[4], desc[5], desc[6], desc[7]]);
        if name_rva == 0 {
            break;
        }
        if let Some(name) = at(name_rva).and_then(|o| c_string(bytes, o)) {
            out.push(name);
        }
        off += DESCRIPTOR;
    }
    out
}

/// More slices than any universal binary has (Apple ships two or three).
const MAX_FAT_SLICES: usize = 64;

/// Mach-O, thin or fat: linked dylibs and `cargo auditable` data of every slice.
pub fn mach(bytes: &[u8], out: &mut Extracted) -> Result<(), String> {
    match Mach::parse(bytes).map_err(|e| format!("Mach-O: {e}"))? {
        Mach::Binary(m) => macho(&m, out),
        Mach::Fat(fat) => {
            // The slice count comes from the file: check it against the file's size first, and
            // stop at the first bad slice rather than reporting millions of them.
            let count = fat
                .arches()
                .map_err(|e| format!("Mach-O fat header: {e}"))?
                .len();
            if count > MAX_FAT_SLICES {
                return Err(format!("Mach-O fat header lists {count} slices"));
            }
            for i in 0..count {
                match fat.get(i) {
                    Ok(SingleArch::MachO(m)) => macho(&m, out),
                    Ok(SingleArch::Archive(_)) => {}
                    Err(e) => {
                        out.warnings.push(format!("Mach-O slice {i}: {e}"));
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

fn macho(m: &MachO, out: &mut Extracted) {
    // goblin lists the binary itself as "self" first.
    for lib in m.libs.iter().filter(|l| **l != "self") {
        // Install names are paths (`@rpath/libfoo.dylib`, `/System/.../Security`); rules match
        // the file name, as they do for ELF and PE.
        out.push(BinaryFeature::Library, lib, None);
        if let Some((_, base)) = lib.rsplit_once('/') {
            out.push(BinaryFeature::Library, base, None);
        }
    }
    if out.wants(BinaryFeature::Symbol) {
        for imp in m.imports().unwrap_or_default() {
            out.push(BinaryFeature::Symbol, imp.name, None);
        }
    }
    for seg in m.segments.iter() {
        let Ok(sections) = seg.sections() else {
            continue;
        };
        for (section, data) in sections {
            if section.name().ok() == Some(buildinfo::AUDITABLE_SECTION) {
                auditable(data, out);
            }
        }
    }
}

fn auditable(data: &[u8], out: &mut Extracted) {
    match buildinfo::auditable_crates(data) {
        Ok(crates) => {
            for c in crates {
                out.push(BinaryFeature::Module, &c, None);
            }
        }
        Err(e) => out.warnings.push(e),
    }
}

fn slice(bytes: &[u8], offset: u64, size: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(size).ok()?)?;
    bytes.get(start..end)
}

fn c_string(bytes: &[u8], offset: usize) -> Option<String> {
    let tail = bytes.get(offset..)?;
    let tail = &tail[..tail.len().min(256)];
    let end = tail.iter().position(|b| *b == 0)?;
    let s = std::str::from_utf8(&tail[..end]).ok()?;
    (!s.is_empty()).then(|| s.to_owned())
}
