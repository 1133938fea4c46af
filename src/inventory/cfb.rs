//! A structural check of OLE compound files (`.xls`) before calamine reads them.
//!
//! calamine follows a compound file's sector chains as the file states them: a damaged file
//! whose chain loops makes it read forever, and a sector number far beyond the end of the
//! file makes it allocate without bound (an abort, not a recoverable error). This module
//! walks the same structures calamine will walk (header, DIFAT, FAT, directory, mini FAT,
//! mini stream, every named stream) with bounds and step limits, and refuses the file when
//! anything points outside it or loops. It then walks the workbook stream's records as
//! calamine will and refuses sheets whose stated dimensions or cell positions would make it
//! allocate more than [`MAX_CELLS`] cells.

/// The most cells a sheet may expand to (an `.ods` sheet with repeated rows and columns
/// included); the workbook reader holds every format to it.
pub(crate) const MAX_CELLS: u64 = 20_000_000;

/// End of a sector chain.
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers from here on are special values, not sectors.
const RESERVED: u32 = 0xFFFF_FFFA;
/// DIFAT entries from here on are not FAT sectors.
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;

/// Most DIFAT entries calamine is allowed to reserve room for.
const MAX_DIFAT_RESERVE: usize = 1 << 24;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
}

impl Sectors<'_> {
    fn count(&self) -> usize {
        self.data.len().div_ceil(self.size)
    }

    fn get(&self, id: u32) -> Option<&[u8]> {
        let start = (id as usize).checked_mul(self.size)?;
        if start >= self.data.len() {
            return None;
        }
        Some(&self.data[start..(start + self.size).min(self.data.len())])
    }

    /// Follows a chain; fails when it leaves the file, leaves the FAT or loops.
    fn chain(&self, mut id: u32, fat: &[u32], len: usize) -> Result<Vec<u8>, &'static str> {
        if len > self.data.len() {
            return Err("a stream is longer than the file");
        }
        let mut out = Vec::new();
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.count() {
                return Err("a sector chain loops");
            }
            let sector = self
                .get(id)
                .ok_or("a sector chain points past the end of the file")?;
            out.extend_from_slice(sector);
            id = *fat
                .get(id as usize)
                .ok_or("a sector chain points outside the allocation table")?;
        }
        if len > 0 {
            out.truncate(len);
        }
        Ok(out)
    }
}

/// Checks the structure of the compound file in `b`; `Err` says what is wrong.
pub fn check(b: &[u8]) -> Result<(), &'static str> {
    const SHORT: &str = "the file is too short for its header";
    if b.len() < 512 || !b.starts_with(super::sniff::CFB_MAGIC) {
        return Err(SHORT);
    }
    let size: usize = match u16_at(b, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err("the sector size is invalid"),
    };
    if u16_at(b, 32) != Some(6) {
        return Err("the mini sector size is invalid");
    }
    let header_len = size;
    let data = b.get(header_len..).ok_or(SHORT)?;
    let sectors = Sectors { data, size };
    let nsec = sectors.count();
    let field = |at| u32_at(b, at).map(|v| v as usize).ok_or(SHORT);
    let dir_len = field(40)?;
    let fat_len = field(44)?;
    let dir_start = field(48)? as u32;
    let mini_fat_start = field(60)? as u32;
    let mini_fat_len = field(64)?;
    let difat_start = field(68)? as u32;
    // calamine reserves room for this many DIFAT entries (it reads the count at offset 62).
    let difat_reserve = field(62)?;
    if dir_len > nsec || fat_len > nsec || mini_fat_len > nsec || difat_reserve > MAX_DIFAT_RESERVE
    {
        return Err("the header's counts do not fit the file");
    }
    let mut difat: Vec<u32> = words(b.get(76..512).ok_or(SHORT)?).collect();
    let mut id = difat_start;
    let mut steps = 0;
    while id < RESERVED {
        steps += 1;
        if steps > nsec {
            return Err("the DIFAT chain loops");
        }
        let sector = sectors
            .get(id)
            .ok_or("the DIFAT points past the end of the file")?;
        difat.extend(words(sector));
        id = difat.pop().ok_or("the DIFAT is empty")?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        let sector = sectors
            .get(id)
            .ok_or("a FAT sector lies past the end of the file")?;
        fat.extend(words(sector));
    }
    let dirs = sectors.chain(dir_start, &fat, dir_len * size)?;
    if dirs.is_empty() || dirs.len() % 128 != 0 {
        return Err("the directory is cut short");
    }
    let entries: Vec<(String, u32, usize)> = dirs
        .chunks(128)
        .map(|c| {
            let units: Vec<u16> = c[..64]
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let named = String::from_utf16_lossy(&units);
            let start = u32_at(c, 116).unwrap_or(ENDOFCHAIN);
            let len = if size == 512 {
                u32_at(c, 120).map(|v| v as usize)
            } else {
                u64_at(c, 120).and_then(|v| usize::try_from(v).ok())
            };
            (named, start, len.unwrap_or(usize::MAX))
        })
        .collect();
    let Some(&(_, root_start, root_len)) = entries.first() else {
        return Err("the directory is empty");
    };
    let (mini_fat, mini) = if mini_fat_len > 0 {
        let mini = sectors.chain(root_start, &fat, root_len)?;
        let mini_fat: Vec<u32> =
            words(&sectors.chain(mini_fat_start, &fat, mini_fat_len * size)?).collect();
        (mini_fat, mini)
    } else {
        (Vec::new(), Vec::new())
    };
    let mini_sectors = Sectors {
        data: &mini,
        size: 64,
    };
    let mut workbook: Option<(&str, Vec<u8>)> = None;
    for (name, start, len) in entries.iter().skip(1) {
        let (start, len) = (*start, *len);
        if name.is_empty() || len == 0 {
            continue;
        }
        let stream = if len < MINI_CUTOFF {
            if mini_fat.is_empty() {
                if start == ENDOFCHAIN {
                    continue;
                }
                return Err("a small stream has no mini stream to live in");
            }
            mini_sectors.chain(start, &mini_fat, len)?
        } else {
            sectors.chain(start, &fat, len)?
        };
        // calamine reads the first stream called Workbook, else the first called Book.
        let better = match &workbook {
            None => name == "Workbook" || name == "Book",
            Some((found, _)) => *found == "Book" && name == "Workbook",
        };
        if better {
            workbook = Some((name.as_str(), stream));
        }
    }
    match workbook {
        Some((_, stream)) => check_biff(&stream),
        None => Ok(()),
    }
}

/// One BIFF record as calamine's record iterator cuts it: (type, data, rest of the stream),
/// with the CONTINUE records that follow it skipped.
/// A record: its type, its body and the rest of the input.
type Record<'a> = (u16, &'a [u8], &'a [u8]);

fn record(s: &[u8]) -> Option<Result<Record<'_>, &'static str>> {
    if s.len() < 4 {
        return if s.is_empty() {
            None
        } else {
            Some(Err("a record is cut short"))
        };
    }
    let typ = u16::from_le_bytes([s[0], s[1]]);
    let len = u16::from_le_bytes([s[2], s[3]]) as usize;
    if s.len() < len + 4 {
        return Some(Err("a record is longer than its stream"));
    }
    let data = &s[4..4 + len];
    let mut rest = &s[4 + len..];
    while rest.len() > 4 && u16::from_le_bytes([rest[0], rest[1]]) == 0x003C {
        let clen = u16::from_le_bytes([rest[2], rest[3]]) as usize;
        if rest.len() < clen + 4 {
            return Some(Err("a record is longer than its stream"));
        }
        rest = &rest[clen + 4..];
    }
    Some(Ok((typ, data, rest)))
}

/// Walks the workbook stream like calamine: the global records up to the first EOF (for the
/// sheets' positions), then each sheet's records from its position up to its EOF.
fn check_biff(stream: &[u8]) -> Result<(), &'static str> {
    const TOO_BIG: &str = "a sheet states more cells than can be read";
    let mut sheets = Vec::new();
    let mut s = stream;
    while let Some(r) = record(s) {
        let (typ, data, rest) = r?;
        s = rest;
        match typ {
            0x0085 => sheets.push(u32_at(data, 0).ok_or("a sheet record is cut short")? as usize),
            0x000A => break,
            _ => {}
        }
    }
    for pos in sheets {
        let mut s = stream
            .get(pos..)
            .ok_or("a sheet lies past the end of the workbook")?;
        let (mut rmin, mut rmax, mut cmin, mut cmax) = (u64::MAX, 0u64, u64::MAX, 0u64);
        while let Some(r) = record(s) {
            let (typ, data, rest) = r?;
            s = rest;
            let (row, col) = match (u16_at(data, 0), u16_at(data, 2)) {
                (Some(r), Some(c)) => (u64::from(r), u64::from(c)),
                _ => (0, 0),
            };
            let last_col = match typ {
                0x0200 => {
                    // DIMENSIONS: calamine reserves room for the whole area, in u32 arithmetic.
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (
                            u32::from(row as u16),
                            u32::from(u16_at(data, 2).unwrap_or(0)),
                            u32::from(u16_at(data, 4).unwrap_or(0)),
                            u32::from(u16_at(data, 6).unwrap_or(0)),
                        ),
                        14 => (
                            u32_at(data, 0).unwrap_or(0),
                            u32_at(data, 4).unwrap_or(0),
                            u32::from(u16_at(data, 8).unwrap_or(0)),
                            u32::from(u16_at(data, 10).unwrap_or(0)),
                        ),
                        _ => continue,
                    };
                    let cf = if 0xFF < cf || cl < cf { 0 } else { cf };
                    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                        (rl - 1, cl - 1)
                    } else {
                        (rf, cf)
                    };
                    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
                    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
                    if rows.saturating_mul(cols) > MAX_CELLS {
                        return Err(TOO_BIG);
                    }
                    continue;
                }
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => col,
                0x00BD => {
                    let last = data
                        .len()
                        .checked_sub(2)
                        .and_then(|at| u16_at(data, at))
                        .map_or(col, u64::from);
                    last.max(col)
                }
                0x000A => break,
                _ => continue,
            };
            rmin = rmin.min(row);
            rmax = rmax.max(row);
            cmin = cmin.min(col);
            cmax = cmax.max(last_col);
            let area = (rmax - rmin + 1).saturating_mul(cmax - cmin + 1);
            if area > MAX_CELLS {
                return Err(TOO_BIG);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/workbooks")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn real_files_pass() {
        check(&fixture("two-sheets.xls")).unwrap();
        check(&fixture("inventory.xls")).unwrap();
        check(&fixture("password.xlsx")).unwrap();
    }

    #[test]
    fn loops_and_wild_sectors_are_refused() {
        let good = fixture("inventory.xls");
        let mut b = good.clone();
        // Directory start far past the end of the file.
        b[48..52].copy_from_slice(&0x00FF_0000u32.to_le_bytes());
        assert!(check(&b).is_err());
        // A FAT whose first entry points at itself: every chain through sector 0 loops.
        let mut b = good.clone();
        let fat0 = u32::from_le_bytes(b[76..80].try_into().unwrap()) as usize;
        let at = 512 + fat0 * 512;
        let dir_start = u32::from_le_bytes(b[48..52].try_into().unwrap());
        let entry = at + dir_start as usize * 4;
        b[entry..entry + 4].copy_from_slice(&dir_start.to_le_bytes());
        assert_eq!(check(&b), Err("a sector chain loops"));
        assert!(check(&good[..600]).is_err());
        assert!(check(&good[..100]).is_err());
    }

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend_from_slice(&(data.len() as u16).to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn sheets_that_would_not_fit_in_memory_are_refused() {
        // Globals: one BOUNDSHEET pointing just past the globals' EOF.
        let globals_len = (4 + 8) + 4;
        let mut stream = rec(0x0085, &(globals_len as u32).to_le_bytes().repeat(2));
        stream.extend(rec(0x000A, &[]));
        assert_eq!(stream.len(), globals_len);
        let sheet = |records: Vec<Vec<u8>>| {
            let mut s = stream.clone();
            for r in records {
                s.extend(r);
            }
            s.extend(rec(0x000A, &[]));
            check_biff(&s)
        };
        let number = |row: u16, col: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend_from_slice(&col.to_le_bytes());
            d.extend_from_slice(&[0; 10]);
            rec(0x0203, &d)
        };
        assert_eq!(sheet(vec![number(0, 0), number(65535, 255)]), Ok(()));
        assert!(sheet(vec![number(0, 0), number(65535, 65535)]).is_err());
        // DIMENSIONS whose first row lies after its last: calamine's u32 arithmetic wraps.
        let mut dims = 100u32.to_le_bytes().to_vec();
        dims.extend_from_slice(&1u32.to_le_bytes());
        dims.extend_from_slice(&[0, 0, 1, 0, 0, 0]);
        assert!(sheet(vec![rec(0x0200, &dims)]).is_err());
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend_from_slice(&1000u32.to_le_bytes());
        dims.extend_from_slice(&[0, 0, 10, 0, 0, 0]);
        assert_eq!(sheet(vec![rec(0x0200, &dims)]), Ok(()));
        // A sheet position past the end of the stream.
        let mut bad = rec(0x0085, &[0xFF, 0xFF, 0, 0, 0, 0, 0, 0]);
        bad.extend(rec(0x000A, &[]));
        assert!(check_biff(&bad).is_err());
    }
}
