//! Milliseconds since the Unix epoch <-> civil date and time (proleptic Gregorian, UTC).

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A UTC instant split into civil fields.
#[derive(Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub microsecond: u32,
}

/// Splits milliseconds since the epoch into civil UTC fields.
pub fn civil_from_millis(ms: i64) -> Civil {
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (in_day / 3_600_000) as u8,
        minute: (in_day / 60_000 % 60) as u8,
        second: (in_day / 1000 % 60) as u8,
        microsecond: (in_day % 1000) as u32 * 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for ms in [
            0i64,
            1,
            -1,
            951_782_400_000,
            -62_135_596_800_000,
            253_402_300_799_999,
        ] {
            let c = civil_from_millis(ms);
            let back = days_from_civil(c.year, i64::from(c.month), i64::from(c.day)) * MS_PER_DAY
                + i64::from(c.hour) * 3_600_000
                + i64::from(c.minute) * 60_000
                + i64::from(c.second) * 1000
                + i64::from(c.microsecond / 1000);
            assert_eq!(back, ms);
        }
        assert_eq!(civil_from_millis(0).year, 1970);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }
}
