//! libxml2's RFC 3986 parser (`uri.c`, version 2.9), reduced to accepting or refusing a
//! URI reference. Input bytes are already ASCII (see [`super::types::is_any_uri`]).

type R = Result<usize, ()>;

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}
fn alpha(c: u8) -> bool {
    c.is_ascii_alphabetic()
}
fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}
fn hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}
fn pct(s: &[u8], i: usize) -> bool {
    at(s, i) == b'%' && hex(at(s, i + 1)) && hex(at(s, i + 2))
}
fn sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'\''
    )
}
fn unreserved(c: u8) -> bool {
    alpha(c) || digit(c) || matches!(c, b'-' | b'.' | b'_' | b'~')
}
fn pchar(s: &[u8], i: usize) -> bool {
    let c = at(s, i);
    unreserved(c) || pct(s, i) || sub_delim(c) || c == b':' || c == b'@'
}
fn next(s: &[u8], i: usize) -> usize {
    if at(s, i) == b'%' {
        i + 3
    } else {
        i + 1
    }
}

fn scheme(s: &[u8], mut i: usize) -> R {
    if !alpha(at(s, i)) {
        return Err(());
    }
    i += 1;
    while alpha(at(s, i)) || digit(at(s, i)) || matches!(at(s, i), b'+' | b'-' | b'.') {
        i += 1;
    }
    Ok(i)
}

fn query(s: &[u8], mut i: usize) -> usize {
    while pchar(s, i) || matches!(at(s, i), b'/' | b'?') {
        i = next(s, i);
    }
    i
}

fn fragment(s: &[u8], mut i: usize) -> usize {
    while pchar(s, i) || matches!(at(s, i), b'/' | b'?' | b'[' | b']') {
        i = next(s, i);
    }
    i
}

fn userinfo(s: &[u8], mut i: usize) -> Option<usize> {
    while unreserved(at(s, i)) || pct(s, i) || sub_delim(at(s, i)) || at(s, i) == b':' {
        i = next(s, i);
    }
    (at(s, i) == b'@').then_some(i)
}

fn host(s: &[u8], mut i: usize) -> R {
    if at(s, i) == b'[' {
        i += 1;
        while at(s, i) != b']' && i < s.len() {
            i += 1;
        }
        if at(s, i) != b']' {
            return Err(());
        }
        return Ok(i + 1);
    }
    // An IPv4 address is also a valid reg-name: no need to tell them apart.
    while unreserved(at(s, i)) || pct(s, i) || sub_delim(at(s, i)) {
        i = next(s, i);
    }
    Ok(i)
}

fn authority(s: &[u8], start: usize) -> R {
    let i = match userinfo(s, start) {
        Some(at_sign) => at_sign + 1,
        None => start,
    };
    let mut i = host(s, i)?;
    if at(s, i) == b':' {
        i += 1;
        if !digit(at(s, i)) {
            return Err(());
        }
        while digit(at(s, i)) {
            i += 1;
        }
    }
    Ok(i)
}

/// A segment; `forbid` stops it; `empty` allows zero characters.
fn segment(s: &[u8], mut i: usize, forbid: u8, empty: bool) -> R {
    if !pchar(s, i) {
        return if empty { Ok(i) } else { Err(()) };
    }
    while pchar(s, i) && at(s, i) != forbid {
        i = next(s, i);
    }
    Ok(i)
}

fn more_segments(s: &[u8], mut i: usize) -> R {
    while at(s, i) == b'/' {
        i = segment(s, i + 1, 0, true)?;
    }
    Ok(i)
}

fn path_absolute(s: &[u8], i: usize) -> R {
    // `at(s, i)` is `/`.
    match segment(s, i + 1, 0, false) {
        Ok(j) => more_segments(s, j),
        Err(()) => Ok(i + 1),
    }
}

fn query_fragment_end(s: &[u8], mut i: usize) -> bool {
    if at(s, i) == b'?' {
        i = query(s, i + 1);
    }
    if at(s, i) == b'#' {
        i = fragment(s, i + 1);
    }
    i >= s.len()
}

fn absolute(s: &[u8]) -> bool {
    let Ok(mut i) = scheme(s, 0) else {
        return false;
    };
    if at(s, i) != b':' {
        return false;
    }
    i += 1;
    let hier = if at(s, i) == b'/' && at(s, i + 1) == b'/' {
        authority(s, i + 2).and_then(|j| more_segments(s, j))
    } else if at(s, i) == b'/' {
        path_absolute(s, i)
    } else if pchar(s, i) {
        segment(s, i, 0, false).and_then(|j| more_segments(s, j))
    } else {
        Ok(i)
    };
    hier.is_ok_and(|j| query_fragment_end(s, j))
}

fn relative(s: &[u8]) -> bool {
    let i = 0;
    let path = if at(s, i) == b'/' && at(s, i + 1) == b'/' {
        authority(s, i + 2).and_then(|j| more_segments(s, j))
    } else if at(s, i) == b'/' {
        path_absolute(s, i)
    } else if pchar(s, i) {
        segment(s, i, b':', false).and_then(|j| more_segments(s, j))
    } else {
        Ok(i)
    };
    path.is_ok_and(|j| query_fragment_end(s, j))
}

/// `URI-reference`: an absolute URI, else a relative reference.
pub fn parse_reference(s: &[u8]) -> bool {
    absolute(s) || relative(s)
}
