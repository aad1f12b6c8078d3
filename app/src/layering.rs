//! Checks that the domains depend on each other one way only (ARCHITECTURE.md, "Modules in
//! `app`"): every `crate::<domain>` path in a domain's files (comments aside) is an edge, and
//! the edges between domain directories must not form a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The domain directories of `app/src`; everything else is kernel or shell.
const DOMAINS: &[&str] = &[
    "appointment",
    "calendar",
    "call",
    "consent",
    "contract",
    "email",
    "kv_forms",
    "patient",
    "practice",
    "public_page",
    "signalling",
    "site",
    "waiting_room",
];

/// Directories of `app/src` that are kernel (shared helpers that know no domain by design).
const KERNEL_DIRECTORIES: &[&str] = &[
    "entities", "fields", "forms", "i18n", "layout", "pdf", "web",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first path segments after each `crate::` in `code`, including each member of a
/// `crate::{a::…, b}` group.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        found.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

/// Domain → the other domains its files name.
fn edges(src: &Path) -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let mut graph = BTreeMap::new();
    for &domain in DOMAINS {
        let mut files = Vec::new();
        rust_files(&src.join(domain), &mut files);
        let mut uses = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable source file");
            let code: String = text
                .lines()
                .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
                .collect::<Vec<_>>()
                .join("\n");
            for name in crate_paths(&code) {
                if let Some(&other) = DOMAINS.iter().find(|&&d| d == name && d != domain) {
                    uses.insert(other);
                }
            }
        }
        graph.insert(domain, uses);
    }
    graph
}

/// A cycle through the graph as a list of domains, if there is one.
fn find_cycle(graph: &BTreeMap<&'static str, BTreeSet<&'static str>>) -> Option<Vec<&'static str>> {
    fn visit(
        node: &'static str,
        graph: &BTreeMap<&'static str, BTreeSet<&'static str>>,
        path: &mut Vec<&'static str>,
        done: &mut BTreeSet<&'static str>,
    ) -> Option<Vec<&'static str>> {
        if let Some(i) = path.iter().position(|&n| n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node);
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node);
        for &next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|&start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn paths_are_found_also_in_groups() {
    let code =
        "use crate::calendar::x;\nuse crate::{consent::{a, b}, call};\nlet y = crate::site::Page;";
    let found: Vec<_> = crate_paths(code).into_iter().collect();
    assert_eq!(found, ["calendar", "call", "consent", "site"]);
}

#[test]
fn a_cycle_is_found() {
    let graph = BTreeMap::from([
        ("calendar", BTreeSet::from(["consent"])),
        ("consent", BTreeSet::from(["patient"])),
        ("patient", BTreeSet::from(["calendar"])),
    ]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["calendar", "consent", "patient", "calendar"])
    );
}

#[test]
fn every_directory_is_a_domain_or_kernel() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).expect("readable app/src") {
        let path = entry.expect("directory entry").path();
        if !path.is_dir() {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_module =
            src.join(name).join("mod.rs").exists() || src.join(format!("{name}.rs")).exists();
        assert!(
            !is_module || DOMAINS.contains(&name) || KERNEL_DIRECTORIES.contains(&name),
            "app/src/{name}: add it to DOMAINS or KERNEL_DIRECTORIES in layering.rs"
        );
    }
}

#[test]
fn domains_depend_on_each_other_one_way() {
    let graph = edges(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.values().any(|uses| !uses.is_empty()),
        "the scan finds the known edges"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "domains depend on each other in a cycle: {} (see ARCHITECTURE.md, \"Modules in `app`\")",
            cycle.join(" → ")
        );
    }
}
