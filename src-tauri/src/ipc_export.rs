//! The UI's payload types, generated from the Rust types that cross IPC (ts-rs, honouring serde's
//! renames, flattening, tags and `skip_serializing_if`) into `ui/src/lib/ipc/generated.ts`.
//!
//! `cargo test -p rampart-desktop export_ipc_types` fails when the committed file is stale;
//! `RAMPART_WRITE_IPC=1 cargo test -p rampart-desktop export_ipc_types` rewrites it.
//! `make lint` runs the check. The command list, its arguments and the event names stay
//! hand-written in `types.ts` (checked against `names.rs` and the capability file by
//! `ipc_tests`).

use std::collections::BTreeMap;
use ts_rs::{TS, TypeVisitor};

const GENERATED: &str = "ui/src/lib/ipc/generated.ts";

const HEADER: &str = "\
// GENERATED from the Rust types that cross IPC (src-tauri/src/ipc_export.rs): do not edit.
// Regenerate with `RAMPART_WRITE_IPC=1 cargo test -p rampart-desktop export_ipc_types`;
// `make lint` fails when this file is stale. Hand-written parts of the contract (the command
// map, the events) live in types.ts.
";

/// Every declaration reachable from the roots, by TypeScript name.
#[derive(Default)]
struct Collect {
    decls: BTreeMap<String, String>,
    origin: BTreeMap<String, &'static str>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only declared types (derived ones) have an output path; primitives and containers
        // are inlined by their users.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident();
        let rust = std::any::type_name::<T>();
        if let Some(seen) = self.origin.get(&name) {
            assert_eq!(*seen, rust, "two Rust types are both `{name}` in TypeScript");
            return;
        }
        self.origin.insert(name.clone(), rust);
        let mut decl = T::docs().unwrap_or_default();
        decl.push_str("export ");
        decl.push_str(&T::decl());
        self.decls.insert(name, decl);
        T::visit_dependencies(self);
    }
}

macro_rules! roots {
    ($collect:ident; $($ty:ty),* $(,)?) => {
        $( $collect.visit::<$ty>(); )*
    };
}

/// The generated file's text.
pub(crate) fn generated() -> String {
    use crate::commands::backups::{
        BackupOverview, Destination, IdentityReveal, PointInTime, SourceStatus,
    };
    use crate::commands::incidents::{ReportFormat, TemplateView};
    use rampart_core::backups as bk;
    use rampart_core::checks as ck;
    use rampart_core::feeds as fd;
    use rampart_core::incidents as inc;
    use rampart_core::tools;
    use rampart_core::views::*;
    let mut c = Collect::default();
    roots!(c;
        // errors, codes, vault, lock, audit, settings
        crate::error::IpcError,
        rampart_core::ErrorKind,
        CodeView,
        crate::commands::CopyResult,
        ImportReport,
        crate::commands::otp::EnrollDraftView,
        crate::commands::otp::ExportFormat,
        crate::commands::otp::ExportResult,
        VerifyResult,
        rampart_core::CredentialKind,
        CredentialView,
        crate::commands::vault::GenerateResult,
        rampart_core::lock::LockState,
        AuditView,
        rampart_core::ChainReport,
        rampart_core::settings::Settings,
        // feeds
        fd::FeedsOverview,
        fd::FeedsSummary,
        fd::ServiceView,
        fd::ServiceInput,
        fd::ServiceDetail,
        fd::AlertsReport,
        fd::SilenceCreated,
        fd::SilencesReport,
        fd::SentryView,
        fd::SourceView,
        fd::FeedsSettings,
        fd::StateChange,
        fd::FiringAlert,
        rampart_machine::MachineStats,
        // backups
        BackupOverview,
        bk::TargetSpec,
        bk::SourceView,
        bk::SourceSpec,
        SourceStatus,
        bk::RunView,
        bk::BackupView,
        PointInTime,
        Destination,
        bk::RestoreDone,
        bk::PruneReport,
        bk::DrillView,
        IdentityReveal,
        bk::Progress,
        bk::BackupEvent,
        // tools
        tools::FieldDecrypted,
        tools::FieldEncrypted,
        tools::JwtDecoded,
        tools::JwtReport,
        tools::JwtSigned,
        tools::HashInfo,
        tools::HashCheck,
        // incidents
        inc::IncidentView,
        inc::IncidentDetail,
        inc::NewIncident,
        inc::escalation::Policy,
        inc::oncall::OnCallNow,
        inc::notify::EmailSettings,
        TemplateView,
        ReportFormat,
        // KPIs
        rampart_core::kpi::KpiReport,
        rampart_core::kpi::Series,
        // checklist
        ck::Item,
        ck::Report,
        ck::Status,
        ck::Target,
        ck::TargetView,
        ck::AttestationView,
        crate::commands::checks::RunView,
        ck::StoredRun,
        ck::RunSummary,
    );
    let mut out = String::from(HEADER);
    for decl in c.decls.values() {
        out.push('\n');
        out.push_str(&layout(decl));
        out.push('\n');
    }
    // serde_json writes 64-bit integers as JSON numbers (ts-rs would say `bigint`).
    out.replace("bigint", "number")
}

/// Line width past which an object type or a union is broken over several lines.
const WIDTH: usize = 100;

/// Lays out a declaration the way types.ts was written (ts-rs writes one line): the members of
/// an object type one a line, a long union one variant a line, doc comments indented.
fn layout(decl: &str) -> String {
    let (docs, decl) = match decl.rfind("*/\nexport ") {
        Some(i) => decl.split_at(i + 3),
        None => ("", decl),
    };
    let body = decl.trim().trim_end_matches(';');
    let (head, ty) = body.split_once(" = ").expect("a type declaration");
    let variants = split_top(ty, " | ");
    let one_line = format!("{head} = {};", layout_type(ty, 0));
    let text = if variants.len() > 1 && (one_line.len() > WIDTH || one_line.contains('\n')) {
        let mut out = format!("{head} =");
        for v in variants {
            out.push_str("\n  | ");
            out.push_str(&layout_type(v, 1));
        }
        out + ";"
    } else {
        one_line
    };
    format!("{docs}{text}")
}

/// Splits `s` on `sep` outside brackets, strings and comments.
fn split_top<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    let bytes = s.as_bytes();
    let (mut depth, mut i, mut start, mut parts) = (0i32, 0, 0, Vec::new());
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i += s[i + 1..].find('"').map_or(0, |n| n + 1),
            b'/' if s[i..].starts_with("/**") => i += s[i..].find("*/").map_or(0, |n| n + 1),
            b'{' | b'(' | b'[' | b'<' => depth += 1,
            b'}' | b')' | b']' | b'>' => depth -= 1,
            _ if depth == 0 && s[i..].starts_with(sep) => {
                parts.push(&s[start..i]);
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

/// The index of the bracket closing the one opening at `open`.
fn closing(s: &str, open: usize) -> usize {
    let bytes = s.as_bytes();
    let (mut depth, mut i) = (0i32, open);
    loop {
        match bytes[i] {
            b'"' => i += s[i + 1..].find('"').map_or(0, |n| n + 1),
            b'/' if s[i..].starts_with("/**") => i += s[i..].find("*/").map_or(0, |n| n + 1),
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Lays out a type expression whose first line starts at `level` (two spaces a level).
fn layout_type(ty: &str, level: usize) -> String {
    let ty = ty.trim();
    let mut out = String::new();
    let mut i = 0;
    while i < ty.len() {
        let c = ty.as_bytes()[i];
        if c == b'"' {
            let end = i + 1 + ty[i + 1..].find('"').unwrap();
            out.push_str(&ty[i..=end]);
            i = end + 1;
        } else if c == b'{' {
            let end = closing(ty, i);
            out.push_str(&layout_object(&ty[i + 1..end], level));
            i = end + 1;
        } else {
            out.push(c as char);
            i += 1;
        }
    }
    out
}

/// `{ members }`: on one line when short and undocumented, else one member a line.
fn layout_object(inner: &str, level: usize) -> String {
    let members: Vec<&str> =
        split_top(inner, ",").into_iter().map(str::trim).filter(|m| !m.is_empty()).collect();
    if members.is_empty() {
        return "{}".into();
    }
    let short = members.iter().map(|m| layout_type(m, level)).collect::<Vec<_>>().join(", ");
    if !inner.contains("/**") && short.len() + 4 <= 60 && !short.contains('\n') {
        return format!("{{ {short} }}");
    }
    let pad = "  ".repeat(level + 1);
    let mut out = String::from("{\n");
    for m in members {
        let m = match m.strip_prefix("/**") {
            Some(rest) => {
                let (doc, field) = rest.split_once("*/").unwrap();
                out.push_str(&format!("{pad}/**\n"));
                for line in doc.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    out.push_str(&format!("{pad} {line}\n"));
                }
                out.push_str(&format!("{pad} */\n"));
                field.trim()
            }
            None => m,
        };
        out.push_str(&format!("{pad}{},\n", layout_type(m, level + 1)));
    }
    out.push_str(&"  ".repeat(level));
    out.push('}');
    out
}

#[test]
fn export_ipc_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED);
    let text = generated();
    if std::env::var_os("RAMPART_WRITE_IPC").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        let (n, (ours, theirs)) = text
            .lines()
            .chain(std::iter::repeat(""))
            .zip(committed.lines().chain(std::iter::repeat("")))
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap();
        panic!(
            "{GENERATED} is stale (line {}: generated `{ours}`, committed `{theirs}`): \
             regenerate it with `make ipc-types` \
             (RAMPART_WRITE_IPC=1 cargo test -p rampart-desktop export_ipc_types)",
            n + 1
        );
    }
}

#[test]
fn layout_puts_members_and_long_unions_one_a_line() {
    assert_eq!(layout("type A = { a: string, b: number, };"), "type A = { a: string, b: number };");
    assert_eq!(
        layout(
            "/**\n * A.\n */\nexport type A = { \n/**\n * The a.\n */\na: { x: string, }, b: B | null, };"
        ),
        "/**\n * A.\n */\nexport type A = {\n  /**\n   * The a.\n   */\n  a: { x: string },\n  b: B | null,\n};"
    );
    let union = format!("type U = {};", ["\"aaaaaaaaaaaa\""; 9].join(" | "));
    assert!(
        layout(&union).starts_with("type U =\n  | \"aaaaaaaaaaaa\"\n  | "),
        "{}",
        layout(&union)
    );
    assert_eq!(
        layout("type E = { \"k\": \"a, b\" } | null;"),
        "type E = { \"k\": \"a, b\" } | null;"
    );
}
