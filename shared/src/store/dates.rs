//! ISO 8601 date-times without a clock or a date crate: enough to compare `[2015-12-23T05:53:27Z]`
//! with `_info.lastUpdated`, accepting `Z`, `+hh:mm` offsets, fractional seconds and bare dates.

/// Nanoseconds since 1970-01-01T00:00:00Z, or None when the text is not a date-time.
pub(crate) fn parse_instant(text: &str) -> Option<i128> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: i64 = num(&t[0..4])?;
    let month: u32 = num(&t[5..7])?;
    let day: u32 = num(&t[8..10])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut nanos: i128 = 0;
    let mut rest = &t[10..];
    if let Some(r) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        if r.len() < 5 || r.as_bytes()[2] != b':' {
            return None;
        }
        let h: i64 = num(&r[0..2])?;
        let m: i64 = num(&r[3..5])?;
        let mut s: i64 = 0;
        let mut r2 = &r[5..];
        if let Some(x) = r2.strip_prefix(':') {
            if x.len() < 2 {
                return None;
            }
            s = num(&x[0..2])?;
            r2 = &x[2..];
            if let Some(frac) = r2.strip_prefix('.') {
                let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 {
                    return None;
                }
                let mut f: i128 = 0;
                for (i, c) in frac[..digits].bytes().enumerate() {
                    if i < 9 {
                        f = f * 10 + i128::from(c - b'0');
                    }
                }
                for _ in digits..9 {
                    f *= 10;
                }
                nanos = f;
                r2 = &frac[digits..];
            }
        }
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        secs += h * 3600 + m * 60 + s;
        rest = r2;
    }
    match rest {
        "" | "Z" | "z" => {}
        off if off.len() == 6 && (off.starts_with('+') || off.starts_with('-')) && &off[3..4] == ":" => {
            let oh: i64 = num(&off[1..3])?;
            let om: i64 = num(&off[4..6])?;
            let delta = oh * 3600 + om * 60;
            secs -= if off.starts_with('+') { delta } else { -delta };
        }
        _ => return None,
    }
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `yyyy-MM-ddT00:00:00Z` for a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// `yyyy-MM-ddTHH:mm:ssZ` (CW's form) for an instant from [`parse_instant`].
pub(crate) fn format_instant(nanos: i128) -> String {
    let secs = nanos.div_euclid(1_000_000_000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = civil_from_days(days);
    format!("{}T{:02}:{:02}:{:02}Z", &date[..10], rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_compare_across_forms() {
        let z = parse_instant("2015-12-23T05:53:27Z").unwrap();
        assert_eq!(parse_instant("2015-12-23T06:53:27+01:00"), Some(z));
        assert_eq!(parse_instant("2015-12-23T05:53:27.000000+00:00"), Some(z));
        assert!(parse_instant("2015-12-23T05:53:27.5Z").unwrap() > z);
        assert!(parse_instant("2015-12-23").unwrap() < z);
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("yesterday"), None);
        assert_eq!(parse_instant("2015-13-01"), None);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), "2024-02-29T00:00:00Z");
        assert_eq!(format_instant(parse_instant("2024-02-29T23:59:58-05:00").unwrap()), "2024-03-01T04:59:58Z");
    }
}
