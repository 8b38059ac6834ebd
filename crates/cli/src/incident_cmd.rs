//! `rampart incident ...`, `rampart oncall`, `rampart escalation show|set`,
//! `rampart contacts add|list|rm` and `rampart email set`: incidents, their escalation and postmortems from the shell, over the
//! same core calls as the desktop app. Times print in UTC.

use crate::feeds_cmd::block_on;
use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::incidents::escalation::{Contact, Policy};
use rampart_core::incidents::lifecycle::PostmortemFields;
use rampart_core::incidents::notify::{Delivery, EmailSettings};
use rampart_core::incidents::{IncidentView, NewIncident, Origin, Priority, Status};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Opens an incident (prints its id; the incident with --json).
    Open(OpenArgs),
    /// Incidents, newest first.
    List {
        /// Only unresolved ones.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
    /// One incident with its timeline.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Acknowledges (stops the escalation timer; you become the owner if there is none).
    Ack {
        id: i64,
        #[arg(long)]
        by: Option<String>,
    },
    /// investigating | identified | monitoring | resolved (resolved needs --summary).
    Status {
        id: i64,
        status: String,
        #[arg(long)]
        summary: Option<String>,
        /// Resolve although linked alerts still fire.
        #[arg(long)]
        force: bool,
    },
    /// Adds a note to the timeline.
    Note {
        id: i64,
        text: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Links (or with --remove unlinks) a service, alert fingerprint, Sentry issue or backup source.
    Link {
        id: i64,
        /// service, alert, sentry or backup.
        kind: String,
        target: String,
        #[arg(long)]
        remove: bool,
    },
    /// Sets the owner.
    Assign { id: i64, owner: String },
    /// Escalates one level and notifies it, or with --due every incident whose wait is over.
    Escalate {
        #[arg(required_unless_present = "due")]
        id: Option<i64>,
        #[arg(long, conflicts_with = "id")]
        due: bool,
    },
    /// Resolves with a summary (and the postmortem's impact, root cause, action items).
    Resolve {
        id: i64,
        #[arg(long)]
        summary: String,
        #[arg(long)]
        impact: Option<String>,
        #[arg(long)]
        root_cause: Option<String>,
        #[arg(long = "action")]
        actions: Vec<String>,
        #[arg(long)]
        force: bool,
    },
    /// The postmortem template both exports follow: `template show`, `template set --file F`,
    /// `template reset` (back to the blameless default).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Writes the postmortem as Markdown or a printable HTML page.
    Export {
        id: i64,
        #[arg(long, default_value = "md")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Replaces an existing file (otherwise refused).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Prints the template (placeholders such as {{title}} and {{timeline}}).
    Show,
    /// Replaces it with a file's text.
    Set {
        #[arg(long)]
        file: PathBuf,
    },
    /// Back to the blameless default.
    Reset,
}

#[derive(Args)]
pub struct OpenArgs {
    #[arg(long, default_value = "")]
    title: String,
    /// P1..P4 (default: suggested from the source).
    #[arg(long)]
    severity: Option<String>,
    /// Open from a firing alert group (fingerprint or alertname).
    #[arg(long, conflicts_with_all = ["from_service", "from_sentry"])]
    from_alert: Option<String>,
    /// Open from a monitored service (a down one suggests P1).
    #[arg(long, conflicts_with = "from_sentry")]
    from_service: Option<String>,
    /// Open from a Sentry issue id.
    #[arg(long)]
    from_sentry: Option<String>,
    #[arg(long = "service")]
    services: Vec<String>,
    #[arg(long = "alert")]
    alerts: Vec<String>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    json: bool,
}

fn line(i: &IncidentView) -> String {
    let owner = i.owner.as_deref().unwrap_or("-");
    format!(
        "#{:<4} {} {:<13} {:<20} {}  owner {owner}",
        i.id,
        i.severity.as_str(),
        i.status.as_str(),
        i.opened_at,
        i.title
    )
}

pub fn run(app: &Rampart, cmd: IncidentCommand) -> CliResult {
    match cmd {
        IncidentCommand::Open(a) => {
            let origin = match (a.from_alert, a.from_service, a.from_sentry) {
                (Some(alert), _, _) => Origin::Alert { alert },
                (_, Some(service), _) => Origin::Service { service },
                (_, _, Some(issue)) => Origin::Sentry { issue },
                _ => Origin::Manual,
            };
            let severity = a.severity.as_deref().map(Priority::parse).transpose()?;
            let new = NewIncident {
                title: a.title,
                severity,
                origin,
                services: a.services,
                alerts: a.alerts,
                owner: a.owner,
            };
            let i = app.incident_open(&new)?;
            if a.json {
                return print_json(&i);
            }
            println!("{}", i.id);
            eprintln!("opened #{} as {} ({})", i.id, i.severity.as_str(), i.severity_definition);
            Ok(())
        }
        IncidentCommand::List { open, json } => {
            let list = app.incident_list(open)?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!("no incidents{}", if open { " open" } else { "" });
            }
            list.iter().for_each(|i| println!("{}", line(i)));
            Ok(())
        }
        IncidentCommand::Show { id, json } => {
            let d = app.incident_detail(id)?;
            if json {
                return print_json(&d);
            }
            println!("{}", line(&d.incident));
            println!("severity: {}", d.incident.severity_definition);
            for l in &d.incident.links {
                println!("linked {}: {}", l.kind, l.target);
            }
            if !d.still_firing.is_empty() {
                println!("still firing: {}", d.still_firing.join(", "));
            }
            for e in &d.timeline {
                println!("{}  {:<10} {}", e.at, e.kind, e.text);
            }
            Ok(())
        }
        IncidentCommand::Ack { id, by } => {
            done(app.incident_ack(id, by.as_deref())?, "acknowledged")
        }
        IncidentCommand::Status { id, status, summary, force } => {
            let status = Status::parse(&status)?;
            done(app.incident_set_status(id, status, summary.as_deref(), force)?, status.as_str())
        }
        IncidentCommand::Note { id, text, by } => {
            done(app.incident_note(id, &text, by.as_deref())?, "noted")
        }
        IncidentCommand::Link { id, kind, target, remove } => match remove {
            true => done(app.incident_unlink(id, &kind, &target)?, "unlinked"),
            false => done(app.incident_link(id, &kind, &target)?, "linked"),
        },
        IncidentCommand::Assign { id, owner } => done(app.incident_assign(id, &owner)?, "assigned"),
        IncidentCommand::Escalate { id, due } => {
            let steps = match (id, due) {
                (Some(id), _) => vec![block_on(app.incident_escalate(id))??],
                _ => block_on(app.incident_escalate_due())??.deliveries,
            };
            if steps.is_empty() {
                eprintln!("no incident is due to escalate");
            }
            let mut failed = false;
            for Delivery { step, outcomes } in steps {
                println!("#{} -> level {} ({})", step.incident.id, step.level, step.level_name);
                for o in outcomes {
                    failed |= o.contains(": failed:");
                    println!("  {o}");
                }
            }
            if failed {
                return Err(Failure::new(
                    "a notification failed (see above); the step is recorded, retry with `rampart incident escalate ID`",
                ));
            }
            Ok(())
        }
        IncidentCommand::Resolve { id, summary, impact, root_cause, actions, force } => {
            let fields = PostmortemFields {
                impact,
                root_cause,
                action_items: (!actions.is_empty()).then_some(actions),
            };
            if fields != PostmortemFields::default() {
                app.incident_set_postmortem(id, &fields)?;
            }
            done(app.incident_set_status(id, Status::Resolved, Some(&summary), force)?, "resolved")
        }
        IncidentCommand::Template(TemplateCommand::Show) => {
            print!("{}", app.postmortem_template_get()?);
            if app.postmortem_template_is_default()? {
                eprintln!(
                    "(the blameless default; `rampart incident template set --file F` replaces it)"
                );
            }
            Ok(())
        }
        IncidentCommand::Template(TemplateCommand::Set { file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::new(format!("could not read {}: {e}", file.display())))?;
            app.postmortem_template_set(&text)?;
            eprintln!("postmortem template saved: both exports follow it");
            Ok(())
        }
        IncidentCommand::Template(TemplateCommand::Reset) => {
            app.postmortem_template_reset()?;
            eprintln!("postmortem template back to the blameless default");
            Ok(())
        }
        IncidentCommand::Export { id, format, out, force } => {
            rampart_core::files::refuse_existing(&out, force)?;
            let text = app.incident_export(id, &format)?;
            rampart_core::files::write_file_atomic(&out, text.as_bytes(), force)?;
            eprintln!("wrote {}", out.display());
            Ok(())
        }
    }
}

fn done(i: IncidentView, what: &str) -> CliResult {
    eprintln!("#{} {what}", i.id);
    println!("{}", line(&i));
    Ok(())
}

/// Who is on call (level 1) now.
pub fn oncall(app: &Rampart, json: bool) -> CliResult {
    let now = app.on_call_now()?;
    if json {
        return print_json(&now);
    }
    match now.on_call {
        Some(name) => println!("{name}"),
        None => {
            return Err(Failure::new(
                "nobody is on call: add contacts to level 1 with `rampart contacts add NAME --level 1`",
            ));
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum EscalationCommand {
    /// The levels, contacts, waits and rota.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Replaces the policy with a JSON file (the shape `show --json` prints).
    Set {
        #[arg(long)]
        file: PathBuf,
    },
}

pub fn escalation(app: &Rampart, cmd: EscalationCommand) -> CliResult {
    match cmd {
        EscalationCommand::Show { json } => {
            let p = app.escalation_policy()?;
            if json {
                return print_json(&p);
            }
            for (i, l) in p.levels.iter().enumerate() {
                let names: Vec<&str> = l.contacts.iter().map(|c| c.name.as_str()).collect();
                println!(
                    "{}. {}: {}",
                    i + 1,
                    l.name,
                    if names.is_empty() { "-".into() } else { names.join(", ") }
                );
            }
            let w = |m: Option<u32>| m.map_or("never".into(), |m| format!("{m} min"));
            let ws = p.wait_minutes;
            println!("waits: P1 {}, P2 {}, P3 {}, P4 {}", w(ws.p1), w(ws.p2), w(ws.p3), w(ws.p4));
            Ok(())
        }
        EscalationCommand::Set { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::new(format!("could not read {}: {e}", file.display())))?;
            let policy: Policy = serde_json::from_str(&text).map_err(|e| {
                Failure::new(format!("{} is not an escalation policy ({e}); `rampart escalation show --json` prints one to start from", file.display()))
            })?;
            app.set_escalation_policy(&policy)?;
            eprintln!("escalation policy saved");
            Ok(())
        }
    }
}

#[derive(Subcommand)]
pub enum EmailCommand {
    /// Sends escalation emails through this SMTP server.
    Set {
        #[arg(long)]
        server: String,
        #[arg(long)]
        port: u16,
        /// none, starttls or tls.
        #[arg(long, default_value = "starttls")]
        tls: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        user: Option<String>,
        /// The vault item holding the SMTP password.
        #[arg(long)]
        password_from: Option<String>,
    },
    /// No escalation emails.
    Off,
}

pub fn email(app: &Rampart, cmd: EmailCommand) -> CliResult {
    match cmd {
        EmailCommand::Off => app.set_email_settings(None)?,
        EmailCommand::Set { server, port, tls, from, user, password_from } => {
            let tls = rampart_core::feeds::email_tls(&tls)?;
            app.set_email_settings(Some(&EmailSettings {
                server,
                port,
                tls,
                from,
                username: user,
                password_from,
            }))?;
        }
    }
    eprintln!("email settings saved");
    Ok(())
}

#[derive(Subcommand)]
pub enum ContactsCommand {
    /// Adds a contact to a level of the escalation chain (1 = on-call engineer).
    Add {
        name: String,
        /// 1..N (`rampart escalation show` lists the levels).
        #[arg(long)]
        level: u32,
        #[arg(long)]
        email: Option<String>,
        /// Digits with an optional leading +.
        #[arg(long)]
        phone: Option<String>,
        /// A Slack member id (U123ABC) or channel (#security).
        #[arg(long)]
        slack: Option<String>,
    },
    /// Every contact with its level.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Removes a contact (--level when the name is on several levels).
    Rm {
        name: String,
        #[arg(long)]
        level: Option<u32>,
    },
}

pub fn contacts(app: &Rampart, cmd: ContactsCommand) -> CliResult {
    match cmd {
        ContactsCommand::Add { name, level, email, phone, slack } => {
            app.contact_add(level, &Contact { name: name.clone(), email, phone, slack })?;
            eprintln!("{name} added at level {level}");
        }
        ContactsCommand::Rm { name, level } => {
            app.contact_remove(&name, level)?;
            eprintln!("{name} removed");
        }
        ContactsCommand::List { json } => {
            let list = app.contacts()?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!(
                    "no contacts: add one with `rampart contacts add NAME --level 1 --email ADDR`"
                );
            }
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            for c in &list {
                println!(
                    "{} {:<18} {:<20} {:<28} {:<16} {}",
                    c.level,
                    c.level_name,
                    c.name,
                    dash(&c.email),
                    dash(&c.phone),
                    dash(&c.slack)
                );
            }
        }
    }
    Ok(())
}
