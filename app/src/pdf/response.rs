//! Generated PDFs as HTTP answers: download or inline, never cached, with a file name header
//! no quote or line break can reach.

/// A generated PDF as a download named `file_name` (RFC 6266 `attachment`: an ASCII `filename`
/// for old clients and the exact name as `filename*`); never cached, since the forms carry
/// practice or patient data.
pub fn download(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    pdf_response(bytes, content_disposition(file_name))
}

/// A generated PDF to show in the browser (`inline`, with the same file name for saving): a
/// phone opens it in its viewer instead of putting it into the downloads. For documents
/// without personal data, such as the patient guide.
pub fn inline(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    let attachment = content_disposition(file_name);
    let inline = attachment.replacen("attachment;", "inline;", 1);
    pdf_response(bytes, inline)
}

fn pdf_response(bytes: Vec<u8>, disposition: String) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with RFC 8187 encoding). The ASCII
/// name spells umlauts out (ä → ae) and replaces anything else outside ASCII letters, digits,
/// `.`, `-` and `_` with `_`, so no quote or line break can reach the header.
pub fn content_disposition(file_name: &str) -> String {
    let mut ascii = String::with_capacity(file_name.len());
    for c in file_name.chars() {
        match c {
            'ä' => ascii.push_str("ae"),
            'ö' => ascii.push_str("oe"),
            'ü' => ascii.push_str("ue"),
            'Ä' => ascii.push_str("Ae"),
            'Ö' => ascii.push_str("Oe"),
            'Ü' => ascii.push_str("Ue"),
            'ß' => ascii.push_str("ss"),
            c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => ascii.push(c),
            _ => ascii.push('_'),
        }
    }
    if ascii == file_name {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
