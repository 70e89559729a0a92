//! Reads the identity and the assembly references of a .NET (CLI) PE image.
//!
//! A managed executable names every assembly it was compiled against in its `AssemblyRef`
//! metadata table, e.g. `AWSSDK.S3` or `Azure.Storage.Blobs`: that is the most direct evidence of
//! a vendor SDK dependency a binary can give, and it survives obfuscation of the code itself.
//!
//! The path through the image follows ECMA-335 (6th edition), Partition II:
//! 1. data directory 14 of the optional header gives the CLI header (II.25.3.3), whose
//!    `MetaData` field locates the metadata root;
//! 2. the metadata root (II.24.2.1: `BSJB` signature, version string, stream headers) gives the
//!    `#~` (or uncompressed `#-`) tables stream and the `#Strings` heap (II.24.2.2–3);
//! 3. the tables stream header (II.24.2.6) gives the row count of each present table and the
//!    widths of heap indexes; from those the row size of every table before `AssemblyRef` (0x23)
//!    follows (simple table indexes are 2 or 4 bytes by row count, coded indexes per II.24.2.6);
//! 4. the `Name` columns of `Assembly` (0x20) and `AssemblyRef` (0x23) index `#Strings`.
//!
//! Everything read from the image is bounds-checked: hostile input gives an error, never a panic,
//! and the work done is bounded by the caps below whatever row counts the image claims.

use goblin::pe::PE;
use goblin::pe::data_directories::DataDirectory;

/// The longest name kept, in bytes; longer names are cut there.
const MAX_STRING: usize = 1024;
/// The most assembly references kept; later rows are ignored.
const MAX_REFERENCES: usize = 10_000;
/// `BSJB`, the metadata root signature, read little-endian.
const METADATA_SIGNATURE: u32 = 0x424A_5342;
/// Size of the fixed part of the CLI header that is read (`cb` .. `MetaData`).
const CLI_HEADER_MIN: usize = 16;

/// The identity and references of a .NET assembly.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DotNet {
    /// The assembly's own name (Assembly table), if it has one.
    pub assembly: Option<String>,
    /// Names of referenced assemblies (AssemblyRef table), in table order, e.g. "AWSSDK.S3".
    pub references: Vec<String>,
}

/// Reads the CLI metadata of a PE image. Ok(None) when the image has no CLR runtime header
/// (a native executable). Err(message) when the metadata is there but malformed.
pub fn parse(bytes: &[u8], pe: &PE) -> Result<Option<DotNet>, String> {
    let Some(directory) = clr_directory(pe) else {
        return Ok(None);
    };
    let metadata = metadata_slice(bytes, pe, directory)?;
    parse_metadata(metadata).map(Some)
}

/// The CLR runtime header data directory, when the image has a non-empty one.
fn clr_directory(pe: &PE) -> Option<DataDirectory> {
    let header = pe.header.optional_header.as_ref()?;
    let directory = header.data_directories.get_clr_runtime_header()?;
    (directory.virtual_address != 0).then_some(*directory)
}

/// The metadata block that the CLI header at `directory` points to.
fn metadata_slice<'a>(
    bytes: &'a [u8],
    pe: &PE,
    directory: DataDirectory,
) -> Result<&'a [u8], String> {
    let size = usize::try_from(directory.size).map_err(|_| err("CLI header size"))?;
    if size < CLI_HEADER_MIN {
        return Err(err("CLI header is too small"));
    }
    let header = image_slice(bytes, pe, directory.virtual_address, CLI_HEADER_MIN)
        .ok_or_else(|| err("CLI header lies outside the file"))?;
    let mut reader = Reader::new(header);
    reader.skip(8)?; // cb, MajorRuntimeVersion, MinorRuntimeVersion
    let rva = reader.u32()?;
    let size = usize::try_from(reader.u32()?).map_err(|_| err("metadata size"))?;
    if rva == 0 || size == 0 {
        return Err(err("CLI header has no metadata"));
    }
    image_slice(bytes, pe, rva, size).ok_or_else(|| err("metadata lies outside the file"))
}

/// The `len` file bytes that the image maps at `rva`, if the file holds all of them.
fn image_slice<'a>(bytes: &'a [u8], pe: &PE, rva: u32, len: usize) -> Option<&'a [u8]> {
    let (offset, available) = file_offset(pe, rva)?;
    if len > available {
        return None;
    }
    bytes.get(offset..offset.checked_add(len)?)
}

/// File offset of `rva` and how many bytes from there belong to the same section's raw data.
fn file_offset(pe: &PE, rva: u32) -> Option<(usize, usize)> {
    for section in &pe.sections {
        let Some(delta) = rva.checked_sub(section.virtual_address) else {
            continue;
        };
        let span = section.virtual_size.max(section.size_of_raw_data);
        if delta >= span {
            continue;
        }
        // Inside the section, but beyond its raw data: zero-filled memory, not file bytes.
        let available = section
            .size_of_raw_data
            .checked_sub(delta)
            .filter(|&n| n > 0)?;
        let offset = section.pointer_to_raw_data.checked_add(delta)?;
        return Some((
            usize::try_from(offset).ok()?,
            usize::try_from(available).ok()?,
        ));
    }
    // Not in any section: only the headers are mapped at their file offsets.
    let headers = pe
        .header
        .optional_header
        .as_ref()?
        .windows_fields
        .size_of_headers;
    let available = headers.checked_sub(rva).filter(|&n| n > 0)?;
    Some((usize::try_from(rva).ok()?, usize::try_from(available).ok()?))
}

/// Reads the assembly name and references from a metadata block (the bytes at the metadata
/// root, `BSJB`).
fn parse_metadata(metadata: &[u8]) -> Result<DotNet, String> {
    let streams = Streams::read(metadata)?;
    let tables_stream = streams.tables.ok_or_else(|| err("no #~ tables stream"))?;
    let tables = Tables::read(tables_stream)?;
    let strings = Strings(streams.strings.unwrap_or_default());
    let assembly = tables
        .names(
            &strings,
            ASSEMBLY,
            ASSEMBLY_NAME,
            1.min(rows(&tables, ASSEMBLY)),
        )?
        .into_iter()
        .next();
    let count = rows(&tables, ASSEMBLY_REF).min(MAX_REFERENCES);
    let references = tables.names(&strings, ASSEMBLY_REF, ASSEMBLY_REF_NAME, count)?;
    Ok(DotNet {
        assembly,
        references,
    })
}

/// Row count of `table` as a `usize` (saturating).
fn rows(tables: &Tables<'_>, table: u8) -> usize {
    usize::try_from(tables.rows(table)).unwrap_or(usize::MAX)
}

/// An error message about malformed metadata.
fn err(what: &str) -> String {
    format!("malformed .NET metadata: {what}")
}

/// A bounds-checked little-endian cursor over a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// The next `len` bytes.
    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| err("offset overflow"))?;
        let slice = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| err("unexpected end of data"))?;
        self.pos = end;
        Ok(slice)
    }

    /// Skips `len` bytes.
    fn skip(&mut self, len: usize) -> Result<(), String> {
        self.take(len).map(|_| ())
    }

    /// The next `N` bytes as an array.
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let slice = self.take(N)?;
        slice.try_into().map_err(|_| err("unexpected end of data"))
    }

    fn u8(&mut self) -> Result<u8, String> {
        self.array::<1>().map(|[b]| b)
    }

    fn u16(&mut self) -> Result<u16, String> {
        self.array().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Result<u32, String> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, String> {
        self.array().map(u64::from_le_bytes)
    }

    /// A 2- or 4-byte unsigned value.
    fn index(&mut self, width: usize) -> Result<u32, String> {
        match width {
            2 => self.u16().map(u32::from),
            _ => self.u32(),
        }
    }
}

/// The streams of the metadata root this module needs.
#[derive(Debug, Default)]
struct Streams<'a> {
    /// `#~` (compressed) or `#-` (uncompressed) tables stream, the first one listed.
    tables: Option<&'a [u8]>,
    /// The `#Strings` heap, the first one listed.
    strings: Option<&'a [u8]>,
}

impl<'a> Streams<'a> {
    /// Reads the metadata root header and its stream headers (II.24.2.1–2).
    fn read(metadata: &'a [u8]) -> Result<Self, String> {
        let mut reader = Reader::new(metadata);
        if reader.u32()? != METADATA_SIGNATURE {
            return Err(err("no BSJB metadata signature"));
        }
        reader.skip(8)?; // MajorVersion, MinorVersion, Reserved
        let version_length = usize::try_from(reader.u32()?).map_err(|_| err("version length"))?;
        reader.skip(version_length)?;
        reader.skip(2)?; // Flags
        let count = reader.u16()?;
        let mut streams = Streams::default();
        for _ in 0..count {
            let (name, data) = stream_header(&mut reader, metadata)?;
            streams.keep(name, data);
        }
        Ok(streams)
    }

    /// Remembers `data` when `name` is a stream this module reads and none was kept for it yet.
    fn keep(&mut self, name: &[u8], data: &'a [u8]) {
        let slot = match name {
            b"#~" | b"#-" => &mut self.tables,
            b"#Strings" => &mut self.strings,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(data);
        }
    }
}

/// Reads one stream header: the stream's name and its bytes within `metadata`.
fn stream_header<'a>(
    reader: &mut Reader<'_>,
    metadata: &'a [u8],
) -> Result<(&'a [u8], &'a [u8]), String> {
    let offset = usize::try_from(reader.u32()?).map_err(|_| err("stream offset"))?;
    let size = usize::try_from(reader.u32()?).map_err(|_| err("stream size"))?;
    let name_start = reader.pos;
    // The name is NUL-terminated and padded to a multiple of four bytes, at most 32 in all.
    let mut name_len = None;
    for chunk in 0..8 {
        let bytes = reader.take(4)?;
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            name_len = Some(chunk * 4 + nul);
            break;
        }
    }
    let name_len = name_len.ok_or_else(|| err("stream name longer than 32 bytes"))?;
    let name_end = name_start
        .checked_add(name_len)
        .ok_or_else(|| err("offset overflow"))?;
    let name = metadata
        .get(name_start..name_end)
        .ok_or_else(|| err("stream name"))?;
    let end = offset
        .checked_add(size)
        .ok_or_else(|| err("offset overflow"))?;
    let data = metadata
        .get(offset..end)
        .ok_or_else(|| err("stream lies outside the metadata"))?;
    Ok((name, data))
}

/// The `#Strings` heap: NUL-terminated UTF-8 strings addressed by byte offset.
struct Strings<'a>(&'a [u8]);

impl Strings<'_> {
    /// The string at `index`, cut at [`MAX_STRING`] bytes.
    fn get(&self, index: u32) -> Result<String, String> {
        let start = usize::try_from(index).map_err(|_| err("string index"))?;
        let rest = self
            .0
            .get(start..)
            .ok_or_else(|| err("string index outside the #Strings heap"))?;
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let bytes = rest.get(..end.min(MAX_STRING)).unwrap_or_default();
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}

// Table numbers (II.22) that the schemas below refer to.
const MODULE: u8 = 0x00;
const TYPE_REF: u8 = 0x01;
const TYPE_DEF: u8 = 0x02;
const FIELD: u8 = 0x04;
const METHOD_DEF: u8 = 0x06;
const PARAM: u8 = 0x08;
const INTERFACE_IMPL: u8 = 0x09;
const MEMBER_REF: u8 = 0x0A;
const DECL_SECURITY: u8 = 0x0E;
const STAND_ALONE_SIG: u8 = 0x11;
const EVENT: u8 = 0x14;
const PROPERTY: u8 = 0x17;
const MODULE_REF: u8 = 0x1A;
const TYPE_SPEC: u8 = 0x1B;
const ASSEMBLY: u8 = 0x20;
const ASSEMBLY_REF: u8 = 0x23;
const FILE: u8 = 0x26;
const EXPORTED_TYPE: u8 = 0x27;
const MANIFEST_RESOURCE: u8 = 0x28;
const GENERIC_PARAM: u8 = 0x2A;
const METHOD_SPEC: u8 = 0x2B;
const GENERIC_PARAM_CONSTRAINT: u8 = 0x2C;

/// Column of `Assembly` holding `Name` (after HashAlgId, four version parts, Flags, PublicKey).
const ASSEMBLY_NAME: usize = 7;
/// Column of `AssemblyRef` holding `Name` (after four version parts, Flags, PublicKeyOrToken).
const ASSEMBLY_REF_NAME: usize = 6;

/// The kind of one table column, which decides its width.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// A constant of this many bytes.
    Fixed(u8),
    /// Index into `#Strings`.
    Str,
    /// Index into `#GUID`.
    Guid,
    /// Index into `#Blob`.
    Blob,
    /// Index into one table.
    Table(u8),
    /// Coded index (II.24.2.6) over these tables; `None` marks an unused tag value.
    Coded(&'static [Option<u8>]),
}

use Column::{Blob, Coded, Fixed, Guid, Str, Table};

// Coded index kinds (II.24.2.6): the tables in tag order.
const TYPE_DEF_OR_REF: &[Option<u8>] = &[Some(TYPE_DEF), Some(TYPE_REF), Some(TYPE_SPEC)];
const HAS_CONSTANT: &[Option<u8>] = &[Some(FIELD), Some(PARAM), Some(PROPERTY)];
const HAS_CUSTOM_ATTRIBUTE: &[Option<u8>] = &[
    Some(METHOD_DEF),
    Some(FIELD),
    Some(TYPE_REF),
    Some(TYPE_DEF),
    Some(PARAM),
    Some(INTERFACE_IMPL),
    Some(MEMBER_REF),
    Some(MODULE),
    Some(DECL_SECURITY),
    Some(PROPERTY),
    Some(EVENT),
    Some(STAND_ALONE_SIG),
    Some(MODULE_REF),
    Some(TYPE_SPEC),
    Some(ASSEMBLY),
    Some(ASSEMBLY_REF),
    Some(FILE),
    Some(EXPORTED_TYPE),
    Some(MANIFEST_RESOURCE),
    Some(GENERIC_PARAM),
    Some(GENERIC_PARAM_CONSTRAINT),
    Some(METHOD_SPEC),
];
const HAS_FIELD_MARSHAL: &[Option<u8>] = &[Some(FIELD), Some(PARAM)];
const HAS_DECL_SECURITY: &[Option<u8>] = &[Some(TYPE_DEF), Some(METHOD_DEF), Some(ASSEMBLY)];
const MEMBER_REF_PARENT: &[Option<u8>] = &[
    Some(TYPE_DEF),
    Some(TYPE_REF),
    Some(MODULE_REF),
    Some(METHOD_DEF),
    Some(TYPE_SPEC),
];
const HAS_SEMANTICS: &[Option<u8>] = &[Some(EVENT), Some(PROPERTY)];
const METHOD_DEF_OR_REF: &[Option<u8>] = &[Some(METHOD_DEF), Some(MEMBER_REF)];
const MEMBER_FORWARDED: &[Option<u8>] = &[Some(FIELD), Some(METHOD_DEF)];
const CUSTOM_ATTRIBUTE_TYPE: &[Option<u8>] =
    &[None, None, Some(METHOD_DEF), Some(MEMBER_REF), None];
const RESOLUTION_SCOPE: &[Option<u8>] = &[
    Some(MODULE),
    Some(MODULE_REF),
    Some(ASSEMBLY_REF),
    Some(TYPE_REF),
];

/// Column layout of tables 0x00..=0x23 (II.22), indexed by table number; the `*Ptr` tables
/// (0x03, 0x05, 0x07, 0x13, 0x16) occur only in uncompressed `#-` streams.
const SCHEMAS: [&[Column]; 0x24] = [
    /* 0x00 Module */ &[Fixed(2), Str, Guid, Guid, Guid],
    /* 0x01 TypeRef */ &[Coded(RESOLUTION_SCOPE), Str, Str],
    /* 0x02 TypeDef */
    &[
        Fixed(4),
        Str,
        Str,
        Coded(TYPE_DEF_OR_REF),
        Table(FIELD),
        Table(METHOD_DEF),
    ],
    /* 0x03 FieldPtr */ &[Table(FIELD)],
    /* 0x04 Field */ &[Fixed(2), Str, Blob],
    /* 0x05 MethodPtr */ &[Table(METHOD_DEF)],
    /* 0x06 MethodDef */ &[Fixed(4), Fixed(2), Fixed(2), Str, Blob, Table(PARAM)],
    /* 0x07 ParamPtr */ &[Table(PARAM)],
    /* 0x08 Param */ &[Fixed(2), Fixed(2), Str],
    /* 0x09 InterfaceImpl */ &[Table(TYPE_DEF), Coded(TYPE_DEF_OR_REF)],
    /* 0x0A MemberRef */ &[Coded(MEMBER_REF_PARENT), Str, Blob],
    /* 0x0B Constant */ &[Fixed(2), Coded(HAS_CONSTANT), Blob],
    /* 0x0C CustomAttribute */
    &[
        Coded(HAS_CUSTOM_ATTRIBUTE),
        Coded(CUSTOM_ATTRIBUTE_TYPE),
        Blob,
    ],
    /* 0x0D FieldMarshal */ &[Coded(HAS_FIELD_MARSHAL), Blob],
    /* 0x0E DeclSecurity */ &[Fixed(2), Coded(HAS_DECL_SECURITY), Blob],
    /* 0x0F ClassLayout */ &[Fixed(2), Fixed(4), Table(TYPE_DEF)],
    /* 0x10 FieldLayout */ &[Fixed(4), Table(FIELD)],
    /* 0x11 StandAloneSig */ &[Blob],
    /* 0x12 EventMap */ &[Table(TYPE_DEF), Table(EVENT)],
    /* 0x13 EventPtr */ &[Table(EVENT)],
    /* 0x14 Event */ &[Fixed(2), Str, Coded(TYPE_DEF_OR_REF)],
    /* 0x15 PropertyMap */ &[Table(TYPE_DEF), Table(PROPERTY)],
    /* 0x16 PropertyPtr */ &[Table(PROPERTY)],
    /* 0x17 Property */ &[Fixed(2), Str, Blob],
    /* 0x18 MethodSemantics */ &[Fixed(2), Table(METHOD_DEF), Coded(HAS_SEMANTICS)],
    /* 0x19 MethodImpl */
    &[
        Table(TYPE_DEF),
        Coded(METHOD_DEF_OR_REF),
        Coded(METHOD_DEF_OR_REF),
    ],
    /* 0x1A ModuleRef */ &[Str],
    /* 0x1B TypeSpec */ &[Blob],
    /* 0x1C ImplMap */ &[Fixed(2), Coded(MEMBER_FORWARDED), Str, Table(MODULE_REF)],
    /* 0x1D FieldRVA */ &[Fixed(4), Table(FIELD)],
    /* 0x1E ENCLog */ &[Fixed(4), Fixed(4)],
    /* 0x1F ENCMap */ &[Fixed(4)],
    /* 0x20 Assembly */
    &[
        Fixed(4),
        Fixed(2),
        Fixed(2),
        Fixed(2),
        Fixed(2),
        Fixed(4),
        Blob,
        Str,
        Str,
    ],
    /* 0x21 AssemblyProcessor */ &[Fixed(4)],
    /* 0x22 AssemblyOS */ &[Fixed(4), Fixed(4), Fixed(4)],
    /* 0x23 AssemblyRef */
    &[
        Fixed(2),
        Fixed(2),
        Fixed(2),
        Fixed(2),
        Fixed(4),
        Blob,
        Str,
        Str,
        Blob,
    ],
];

/// HeapSizes flag: `#Strings` indexes are 4 bytes wide.
const HEAP_STRINGS_WIDE: u8 = 0x01;
/// HeapSizes flag: `#GUID` indexes are 4 bytes wide.
const HEAP_GUID_WIDE: u8 = 0x02;
/// HeapSizes flag: `#Blob` indexes are 4 bytes wide.
const HEAP_BLOB_WIDE: u8 = 0x04;
/// HeapSizes flag: an extra 4-byte value follows the row counts (some `#-` streams).
const HEAP_EXTRA_DATA: u8 = 0x40;

/// The tables stream header and the table data that follows it (II.24.2.6).
#[derive(Debug)]
struct Tables<'a> {
    /// HeapSizes flags.
    heap_sizes: u8,
    /// Row count of every table, 0 for absent ones.
    rows: [u32; 64],
    /// The table data, starting with the first row of the lowest-numbered present table.
    data: &'a [u8],
}

impl<'a> Tables<'a> {
    /// Reads the tables stream header.
    fn read(stream: &'a [u8]) -> Result<Self, String> {
        let mut reader = Reader::new(stream);
        reader.skip(6)?; // Reserved, MajorVersion, MinorVersion
        let heap_sizes = reader.u8()?;
        reader.skip(1)?; // Reserved
        let valid = reader.u64()?;
        reader.skip(8)?; // Sorted
        let mut rows = [0_u32; 64];
        for (table, count) in rows.iter_mut().enumerate() {
            if (valid >> table) & 1 == 1 {
                *count = reader.u32()?;
            }
        }
        if heap_sizes & HEAP_EXTRA_DATA != 0 {
            reader.skip(4)?;
        }
        let data = stream.get(reader.pos..).unwrap_or_default();
        Ok(Tables {
            heap_sizes,
            rows,
            data,
        })
    }

    /// Row count of `table`.
    fn rows(&self, table: u8) -> u32 {
        self.rows.get(usize::from(table)).copied().unwrap_or(0)
    }

    /// Width in bytes of a heap index whose HeapSizes flag is `flag`.
    fn heap_width(&self, flag: u8) -> usize {
        if self.heap_sizes & flag == 0 { 2 } else { 4 }
    }

    /// Width in bytes of one column.
    fn column_width(&self, column: Column) -> usize {
        match column {
            Fixed(width) => usize::from(width),
            Str => self.heap_width(HEAP_STRINGS_WIDE),
            Guid => self.heap_width(HEAP_GUID_WIDE),
            Blob => self.heap_width(HEAP_BLOB_WIDE),
            Table(table) => {
                if self.rows(table) < 1 << 16 {
                    2
                } else {
                    4
                }
            }
            Coded(tables) => self.coded_width(tables),
        }
    }

    /// Width of a coded index over `tables`: 2 bytes while every row number fits into the
    /// bits the tag leaves of 16, otherwise 4.
    fn coded_width(&self, tables: &[Option<u8>]) -> usize {
        let tag_bits = usize::BITS - tables.len().saturating_sub(1).leading_zeros();
        let limit = 1_u64 << 16_u32.saturating_sub(tag_bits);
        let largest = tables
            .iter()
            .flatten()
            .map(|&table| u64::from(self.rows(table)))
            .max()
            .unwrap_or(0);
        if largest < limit { 2 } else { 4 }
    }

    /// Size in bytes of one row of `table`, which must be one of [`SCHEMAS`].
    fn row_size(&self, table: u8) -> Result<usize, String> {
        let schema = SCHEMAS
            .get(usize::from(table))
            .ok_or_else(|| err("table without a known layout"))?;
        Ok(schema.iter().map(|&column| self.column_width(column)).sum())
    }

    /// Offset within the table data of the first row of `table`.
    fn table_offset(&self, table: u8) -> Result<usize, String> {
        let mut offset = 0_usize;
        for earlier in 0..table {
            let rows = usize::try_from(self.rows(earlier)).map_err(|_| err("row count"))?;
            if rows == 0 {
                continue;
            }
            let size = rows
                .checked_mul(self.row_size(earlier)?)
                .ok_or_else(|| err("table size overflow"))?;
            offset = offset
                .checked_add(size)
                .ok_or_else(|| err("table size overflow"))?;
        }
        Ok(offset)
    }

    /// Where the string column `column` of `table` lies in the table data.
    fn string_column(&self, table: u8, column: usize) -> Result<StringColumn, String> {
        let schema = SCHEMAS
            .get(usize::from(table))
            .ok_or_else(|| err("table without a known layout"))?;
        let before = schema
            .get(..column)
            .ok_or_else(|| err("column out of range"))?
            .iter()
            .map(|&c| self.column_width(c))
            .sum::<usize>();
        let start = self
            .table_offset(table)?
            .checked_add(before)
            .ok_or_else(|| err("table size overflow"))?;
        Ok(StringColumn {
            start,
            stride: self.row_size(table)?,
            width: self.column_width(Str),
        })
    }

    /// The `#Strings` index in `column` of row `row` (0-based).
    fn string_index(&self, column: &StringColumn, row: usize) -> Result<u32, String> {
        let offset = row
            .checked_mul(column.stride)
            .and_then(|n| n.checked_add(column.start))
            .ok_or_else(|| err("table size overflow"))?;
        let mut reader = Reader::new(self.data);
        reader
            .skip(offset)
            .and_then(|()| reader.index(column.width))
            .map_err(|_| err("table row lies outside the tables stream"))
    }

    /// The names in string column `column` of the first `count` rows of `table`.
    fn names(
        &self,
        strings: &Strings<'_>,
        table: u8,
        column: usize,
        count: usize,
    ) -> Result<Vec<String>, String> {
        let column = self.string_column(table, column)?;
        (0..count)
            .map(|row| strings.get(self.string_index(&column, row)?))
            .collect()
    }
}

/// Position of a `#Strings` index column within the table data.
#[derive(Debug)]
struct StringColumn {
    /// Offset of the column in the table's first row.
    start: usize,
    /// Size of one row.
    stride: usize,
    /// Width of the index: 2 or 4 bytes.
    width: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPLOADER: &[u8] = include_bytes!("../../../fixtures/binaries/dotnet/Uploader.exe");
    const NATIVE: &[u8] = include_bytes!("../../../fixtures/binaries/pe/nordlicht-agent.exe");

    fn parse_fixture(bytes: &[u8]) -> Result<Option<DotNet>, String> {
        let pe = PE::parse(bytes).expect("fixture is a PE image");
        parse(bytes, &pe)
    }

    #[test]
    fn reads_assembly_name_and_references_of_the_uploader_fixture() {
        let dotnet = parse_fixture(UPLOADER)
            .expect("well-formed")
            .expect("managed");
        assert_eq!(
            dotnet,
            DotNet {
                assembly: Some("Uploader".to_owned()),
                references: vec![
                    "AWSSDK.Core".to_owned(),
                    "AWSSDK.S3".to_owned(),
                    "mscorlib".to_owned(),
                    "Azure.Storage.Blobs".to_owned(),
                ],
            }
        );
    }

    #[test]
    fn native_image_has_no_metadata() {
        assert_eq!(parse_fixture(NATIVE), Ok(None));
    }

    #[test]
    fn truncated_images_never_panic() {
        let pe = PE::parse(UPLOADER).expect("fixture is a PE image");
        for len in (0..UPLOADER.len()).step_by(97) {
            let short = &UPLOADER[..len];
            // With the original headers, every read must stay inside the shorter buffer.
            let _ = parse(short, &pe);
            if let Ok(own) = PE::parse(short) {
                let _ = parse(short, &own);
            }
        }
    }

    #[test]
    fn bit_flipped_images_never_panic() {
        let pe = PE::parse(UPLOADER).expect("fixture is a PE image");
        let mut copy = UPLOADER.to_vec();
        for bit in 0..UPLOADER.len() * 8 {
            let (byte, mask) = (bit / 8, 1_u8 << (bit % 8));
            copy[byte] ^= mask;
            let _ = parse(&copy, &pe);
            if bit.is_multiple_of(61)
                && let Ok(own) = PE::parse(&copy)
            {
                let _ = parse(&copy, &own);
            }
            copy[byte] ^= mask;
        }
    }

    #[test]
    fn scrambled_metadata_never_panics() {
        let pe = PE::parse(UPLOADER).expect("fixture is a PE image");
        let mut copy = UPLOADER.to_vec();
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        for _ in 0..2_000 {
            let mut scrambled = copy.clone();
            for _ in 0..8 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = usize::try_from(state % UPLOADER.len() as u64).expect("fits");
                scrambled[at] = (state >> 32) as u8;
            }
            let _ = parse(&scrambled, &pe);
            if state.is_multiple_of(3) {
                copy = scrambled;
            }
        }
    }

    /// Builds a metadata root with a `#~` stream holding `rows` (table, count) with zeroed
    /// rows except for the Name columns of Assembly and AssemblyRef, and a `#Strings` heap.
    fn metadata(heap_sizes: u8, rows: &[(u8, u32)], names: &[&str]) -> Vec<u8> {
        metadata_root(heap_sizes, rows, names, true)
    }

    /// Like [`metadata`], but when `write_rows` is false the header's row counts have no rows
    /// behind them.
    fn metadata_root(
        heap_sizes: u8,
        rows: &[(u8, u32)],
        names: &[&str],
        write_rows: bool,
    ) -> Vec<u8> {
        let mut strings = vec![0_u8];
        let mut offsets = Vec::new();
        for name in names {
            offsets.push(u32::try_from(strings.len()).expect("small"));
            strings.extend_from_slice(name.as_bytes());
            strings.push(0);
        }
        while strings.len() % 4 != 0 {
            strings.push(0);
        }
        let mut table_rows = [0_u32; 64];
        let mut valid = 0_u64;
        for &(table, count) in rows {
            table_rows[usize::from(table)] = count;
            valid |= 1 << table;
        }
        let probe = Tables {
            heap_sizes,
            rows: table_rows,
            data: &[],
        };
        let mut tables = vec![0, 0, 0, 0, 2, 0, heap_sizes, 1];
        tables.extend_from_slice(&valid.to_le_bytes());
        tables.extend_from_slice(&0_u64.to_le_bytes());
        for &(_, count) in rows {
            tables.extend_from_slice(&count.to_le_bytes());
        }
        let wide = heap_sizes & HEAP_STRINGS_WIDE != 0;
        let mut names = offsets.into_iter();
        for table in 0..=ASSEMBLY_REF {
            let count = if write_rows {
                table_rows[usize::from(table)]
            } else {
                0
            };
            let size = probe.row_size(table).expect("known");
            for _ in 0..count {
                let mut row = vec![0_u8; size];
                let name_column = match table {
                    ASSEMBLY => Some(ASSEMBLY_NAME),
                    ASSEMBLY_REF => Some(ASSEMBLY_REF_NAME),
                    _ => None,
                };
                if let Some(column) = name_column {
                    let at: usize = SCHEMAS[usize::from(table)][..column]
                        .iter()
                        .map(|&c| probe.column_width(c))
                        .sum();
                    let index = names.next().expect("a name per row");
                    if wide {
                        row[at..at + 4].copy_from_slice(&index.to_le_bytes());
                    } else {
                        let short = u16::try_from(index).expect("small");
                        row[at..at + 2].copy_from_slice(&short.to_le_bytes());
                    }
                }
                tables.extend_from_slice(&row);
            }
        }
        while tables.len() % 4 != 0 {
            tables.push(0);
        }
        let version = b"v4.0.30319\0\0";
        let headers_len = 16 + version.len() + 4 + (8 + 4) + (8 + 12);
        let mut root = Vec::new();
        root.extend_from_slice(&METADATA_SIGNATURE.to_le_bytes());
        root.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0, 0]);
        root.extend_from_slice(&u32::try_from(version.len()).expect("small").to_le_bytes());
        root.extend_from_slice(version);
        root.extend_from_slice(&[0, 0, 2, 0]);
        let tables_at = u32::try_from(headers_len).expect("small");
        let tables_len = u32::try_from(tables.len()).expect("small");
        root.extend_from_slice(&tables_at.to_le_bytes());
        root.extend_from_slice(&tables_len.to_le_bytes());
        root.extend_from_slice(b"#~\0\0");
        root.extend_from_slice(&(tables_at + tables_len).to_le_bytes());
        root.extend_from_slice(&u32::try_from(strings.len()).expect("small").to_le_bytes());
        root.extend_from_slice(b"#Strings\0\0\0\0");
        assert_eq!(root.len(), headers_len);
        root.extend_from_slice(&tables);
        root.extend_from_slice(&strings);
        root
    }

    #[test]
    fn reads_synthetic_metadata_with_narrow_indexes() {
        let root = metadata(0, &[(ASSEMBLY, 1), (ASSEMBLY_REF, 2)], &["Me", "A", "B"]);
        let dotnet = parse_metadata(&root).expect("well-formed");
        assert_eq!(dotnet.assembly.as_deref(), Some("Me"));
        assert_eq!(dotnet.references, ["A", "B"]);
    }

    #[test]
    fn reads_synthetic_metadata_with_wide_heaps_and_indexes() {
        // 2048 StandAloneSig rows widen HasCustomAttribute (5 tag bits) to 4 bytes, 65536
        // Field rows widen simple Field indexes and HasConstant; every heap index is 4 bytes.
        let rows = [
            (MODULE, 1),
            (FIELD, 1 << 16),
            (0x0B, 1),
            (0x0C, 3),
            (0x10, 2),
            (STAND_ALONE_SIG, 2048),
            (ASSEMBLY, 1),
            (0x21, 1),
            (ASSEMBLY_REF, 3),
        ];
        let root = metadata(0x07, &rows, &["Wide", "X.Y", "Z", "Q"]);
        let dotnet = parse_metadata(&root).expect("well-formed");
        assert_eq!(dotnet.assembly.as_deref(), Some("Wide"));
        assert_eq!(dotnet.references, ["X.Y", "Z", "Q"]);
    }

    #[test]
    fn index_widths_follow_row_counts() {
        let mut tables = Tables {
            heap_sizes: 0,
            rows: [0; 64],
            data: &[],
        };
        assert_eq!(tables.coded_width(HAS_CUSTOM_ATTRIBUTE), 2);
        tables.rows[usize::from(STAND_ALONE_SIG)] = 2047;
        assert_eq!(tables.coded_width(HAS_CUSTOM_ATTRIBUTE), 2);
        tables.rows[usize::from(STAND_ALONE_SIG)] = 2048;
        assert_eq!(tables.coded_width(HAS_CUSTOM_ATTRIBUTE), 4);
        tables.rows[usize::from(TYPE_REF)] = (1 << 14) - 1;
        assert_eq!(tables.coded_width(TYPE_DEF_OR_REF), 2);
        tables.rows[usize::from(TYPE_REF)] = 1 << 14;
        assert_eq!(tables.coded_width(TYPE_DEF_OR_REF), 4);
        tables.rows[usize::from(METHOD_DEF)] = (1 << 13) - 1;
        assert_eq!(tables.coded_width(CUSTOM_ATTRIBUTE_TYPE), 2);
        tables.rows[usize::from(METHOD_DEF)] = 1 << 13;
        assert_eq!(tables.coded_width(CUSTOM_ATTRIBUTE_TYPE), 4);
        assert_eq!(tables.column_width(Table(FIELD)), 2);
        tables.rows[usize::from(FIELD)] = 1 << 16;
        assert_eq!(tables.column_width(Table(FIELD)), 4);
        assert_eq!(tables.coded_width(HAS_FIELD_MARSHAL), 4);
    }

    #[test]
    fn row_sizes_match_hand_computed_layouts() {
        let mut tables = Tables {
            heap_sizes: 0,
            rows: [0; 64],
            data: &[],
        };
        // HashAlgId 4, versions 4×2, Flags 4, PublicKey blob 2, Name 2, Culture 2.
        assert_eq!(tables.row_size(ASSEMBLY), Ok(22));
        // Versions 4×2, Flags 4, PublicKeyOrToken 2, Name 2, Culture 2, HashValue 2.
        assert_eq!(tables.row_size(ASSEMBLY_REF), Ok(20));
        assert_eq!(tables.row_size(TYPE_DEF), Ok(14));
        assert_eq!(tables.row_size(0x0C), Ok(6));
        tables.heap_sizes = 0x07;
        tables.rows[usize::from(FIELD)] = 1 << 16;
        assert_eq!(tables.row_size(ASSEMBLY), Ok(28));
        assert_eq!(tables.row_size(ASSEMBLY_REF), Ok(28));
        // Flags 4, Name 4, Namespace 4, Extends 2, FieldList 4, MethodList 2.
        assert_eq!(tables.row_size(TYPE_DEF), Ok(20));
        // Generation 2, Name 4, three GUID indexes 4 each.
        assert_eq!(tables.row_size(MODULE), Ok(18));
        assert!(tables.row_size(0x24).is_err());
    }

    #[test]
    fn huge_row_counts_are_errors_not_allocations() {
        let rows = [
            (MODULE, u32::MAX),
            (ASSEMBLY, u32::MAX),
            (ASSEMBLY_REF, u32::MAX),
        ];
        let root = metadata_root(0x07, &rows, &[], false);
        assert!(parse_metadata(&root).is_err());
        let root = metadata_root(0, &[(ASSEMBLY_REF, u32::MAX)], &[], false);
        assert!(parse_metadata(&root).is_err());
    }

    #[test]
    fn long_strings_are_cut() {
        let long = "N".repeat(5000);
        let root = metadata(0x01, &[(ASSEMBLY_REF, 1)], &[&long]);
        let dotnet = parse_metadata(&root).expect("well-formed");
        assert_eq!(dotnet.references, ["N".repeat(MAX_STRING)]);
    }

    #[test]
    fn missing_signature_is_an_error() {
        assert!(parse_metadata(b"XXXX").is_err());
        assert!(parse_metadata(&[]).is_err());
    }
}
