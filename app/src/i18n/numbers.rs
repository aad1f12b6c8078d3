//! Numbers as people read them: German decimal comma and thousands dots ("1.234,5"),
//! bandwidths in Mbit/s.

use super::Locale;

/// `value` with `places` decimals in the locale's notation: "0,0", "1.234,5" (de),
/// "1,234.5" (en). Not-a-number and infinity come out as "–".
pub fn decimal(locale: Locale, value: f64, places: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let (group, point) = match locale {
        Locale::De => ('.', ','),
        Locale::En => (',', '.'),
    };
    let plain = format!("{:.*}", places, value.abs());
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut grouped = String::new();
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(digit);
    }
    let negative = value < 0.0 && plain.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = if negative {
        "-".to_owned()
    } else {
        String::new()
    };
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A bandwidth given in kbit/s as Mbit/s without the unit: one decimal below 10 ("0,8",
/// "2", "9,5"), whole numbers above ("49").
pub fn mbits(locale: Locale, kbits: f64) -> String {
    let value = kbits / 1000.0;
    if value >= 10.0 {
        return decimal(locale, value.round(), 0);
    }
    let text = decimal(locale, value, 1);
    match text.strip_suffix(",0").or_else(|| text.strip_suffix(".0")) {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_numbers() {
        let cases = [
            (0.0, 1, "0,0"),
            (0.04, 1, "0,0"),
            (2.35, 1, "2,4"),
            (999.0, 0, "999"),
            (1234.0, 0, "1.234"),
            (1234567.891, 2, "1.234.567,89"),
            (-12.5, 1, "-12,5"),
            (-0.01, 1, "0,0"),
            (f64::NAN, 1, "–"),
            (f64::INFINITY, 0, "–"),
        ];
        for (value, places, expected) in cases {
            assert_eq!(decimal(Locale::De, value, places), expected, "{value}");
        }
        assert_eq!(decimal(Locale::En, 1234.5, 1), "1,234.5");
    }

    #[test]
    fn bandwidth_in_mbits() {
        let cases = [
            (49461.0, "49"),
            (9_960.0, "10"),
            (2000.0, "2"),
            (800.0, "0,8"),
            (1234.0, "1,2"),
            (40.0, "0"),
        ];
        for (kbits, expected) in cases {
            assert_eq!(mbits(Locale::De, kbits), expected, "{kbits}");
        }
        assert_eq!(mbits(Locale::En, 1500.0), "1.5");
    }
}
