//! `rampart crypt|jwt|hash ...`: the responder's tools from a terminal. Keys and secrets are
//! named by vault name and never printed; passwords are typed without echo or piped on stdin,
//! never passed as arguments. Verdicts that fail (an invalid token, a password that does not
//! match) exit 1 after printing the report.

use crate::input::secret_from_stdin;
use crate::{CliResult, Failure, print_json};
use clap::Subcommand;
use rampart_core::Rampart;
use rampart_core::clock::local_time;
use rampart_core::tools::{self, HashInfo, JwtDecoded, JwtProfile};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum CryptCommand {
    /// Decrypts the guide's payloads ({"iv","data","authTag"}): one, one per line, or a JSON
    /// array; prints the values in the same layout. All or nothing.
    Decrypt {
        /// The vault item holding the hex ENCRYPTION_KEY.
        #[arg(long, value_name = "VAULT_NAME")]
        key: String,
        /// A file of payloads, or - for stdin (the default).
        file: Option<PathBuf>,
    },
    /// Encrypts a JSON value as the guide's encryptData does; prints the payload.
    Encrypt {
        #[arg(long, value_name = "VAULT_NAME")]
        key: String,
        /// A file holding the JSON value, or - for stdin (the default).
        file: Option<PathBuf>,
        /// Encrypt one JSON value per line (one payload per line out).
        #[arg(long)]
        lines: bool,
    },
    /// Re-encrypts a file of payloads from one key to another, all or nothing: the output is
    /// written only when every payload opened with the old key.
    Rotate {
        #[arg(long, value_name = "VAULT_NAME")]
        from: String,
        #[arg(long, value_name = "VAULT_NAME")]
        to: String,
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace --out if it exists (it may be FILE itself).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum JwtCommand {
    /// Shows a token's header, claims and times (local time) without verifying it.
    Decode {
        /// The token, or - for stdin (the default).
        token: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Verifies an HS256/384/512 signature with a vault secret and checks iss, aud, exp, nbf
    /// and iat against the guide's profile; exits 1 when the token is not valid.
    Verify {
        token: Option<String>,
        #[arg(long, value_name = "VAULT_NAME")]
        secret: String,
        /// The expected issuer (default: the guide's alawael-api; "" = not checked).
        #[arg(long)]
        iss: Option<String>,
        /// The expected audience (default: the guide's alawael-users; "" = not checked).
        #[arg(long)]
        aud: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Signs a test token with a vault secret (to reproduce an issue in staging).
    Sign {
        #[arg(long, value_name = "VAULT_NAME")]
        secret: String,
        /// The claims, a JSON object, e.g. '{"sub":"42","iss":"alawael-api","aud":"alawael-users"}'.
        #[arg(long)]
        claims: String,
        /// Lifetime, e.g. 15m, 1h, 7d: sets iat to now and exp to now + lifetime.
        #[arg(long)]
        expires: Option<String>,
        /// HS256, HS384 or HS512.
        #[arg(long, default_value = "HS256")]
        alg: String,
    },
}

#[derive(Subcommand)]
pub enum HashCommand {
    /// Checks a password (typed without echo, or piped on stdin) against a bcrypt or argon2
    /// hash; exits 1 when it does not match.
    Check {
        #[arg(long)]
        hash: String,
        #[arg(long)]
        json: bool,
    },
    /// Shows a hash's algorithm and parameters against the guide's and OWASP's minimums.
    Inspect {
        #[arg(long)]
        hash: String,
        #[arg(long)]
        json: bool,
    },
}

/// Reads FILE, or stdin for none or `-`, as UTF-8, refusing more than the tools read.
fn read_input(file: Option<&Path>) -> CliResult<String> {
    let limit = rampart_core::tools::MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    let what = match file {
        None => "stdin".to_owned(),
        Some(p) if p == Path::new("-") => "stdin".to_owned(),
        Some(p) => p.display().to_string(),
    };
    let read = match file.filter(|p| *p != Path::new("-")) {
        None => std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes),
        Some(path) => {
            std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        }
    };
    read.map_err(|e| Failure::new(format!("could not read {what}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Failure::new(format!(
            "{what} is over {} MiB: split it",
            limit / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|_| Failure::new(format!("{what} is not UTF-8 text")))
}

fn token_input(token: Option<String>) -> CliResult<String> {
    match token {
        Some(t) if t != "-" => Ok(t),
        _ => read_input(None),
    }
}

pub fn crypt(app: &Rampart, cmd: CryptCommand) -> CliResult {
    match cmd {
        CryptCommand::Decrypt { key, file } => {
            let out = app.field_decrypt(&key, &read_input(file.as_deref())?)?;
            write_stdout(&out.text)?;
            eprintln!("decrypted {} payload(s) with {key}", out.values.len());
            Ok(())
        }
        CryptCommand::Encrypt { key, file, lines } => {
            let out = app.field_encrypt(&key, &read_input(file.as_deref())?, lines)?;
            write_stdout(&out.text)?;
            eprintln!("encrypted {} value(s) with {key}", out.count);
            Ok(())
        }
        CryptCommand::Rotate { from, to, file, out, force } => {
            if out.exists() && !force {
                return Err(Failure::new(format!(
                    "{} exists: choose another --out, or add --force to replace it",
                    out.display()
                )));
            }
            let rotated = app.field_rotate(&from, &to, &read_input(Some(&file))?)?;
            rampart_core::files::write_secret_file(&out, rotated.text.as_bytes())?;
            eprintln!(
                "re-encrypted {} payload(s) from {from} to {to} into {}",
                rotated.count,
                out.display()
            );
            Ok(())
        }
    }
}

fn write_stdout(text: &str) -> CliResult {
    let mut out = std::io::stdout().lock();
    let end = if text.ends_with('\n') { "" } else { "\n" };
    write!(out, "{text}{end}").map_err(|e| Failure::new(format!("could not write stdout: {e}")))
}

pub fn jwt(app: &Rampart, cmd: JwtCommand) -> CliResult {
    match cmd {
        JwtCommand::Decode { token, json } => {
            let decoded = app.jwt_decode(&token_input(token)?)?;
            if json {
                return print_json(&decoded);
            }
            print_decoded(&decoded);
            Ok(())
        }
        JwtCommand::Verify { token, secret, iss, aud, json } => {
            let profile = JwtProfile::with_overrides(iss.as_deref(), aud.as_deref());
            let report = app.jwt_verify(&token_input(token)?, &secret, &profile)?;
            if json {
                print_json(&report)?;
            } else {
                print_decoded(&report.decoded);
                println!();
                for c in &report.checks {
                    println!("{} {:<9} {}", if c.ok { "ok  " } else { "FAIL" }, c.name, c.detail);
                }
                for w in &report.secret_warnings {
                    println!("secret:   {w}");
                }
            }
            if report.valid {
                eprintln!("the token is valid");
                return Ok(());
            }
            let failed: Vec<_> = report.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
            Err(Failure::new(format!("the token is NOT valid (failed: {})", failed.join(", "))))
        }
        JwtCommand::Sign { secret, claims, expires, alg } => {
            let signed = app.jwt_sign(&secret, &alg, &claims, expires.as_deref())?;
            println!("{}", signed.token);
            for w in &signed.decoded.warnings {
                eprintln!("note: {w}");
            }
            Ok(())
        }
    }
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn print_decoded(d: &JwtDecoded) {
    println!("alg       {}", d.algorithm);
    println!("header    {}", pretty(&d.header).replace('\n', "\n          "));
    println!("claims    {}", pretty(&d.claims).replace('\n', "\n          "));
    for t in &d.times {
        println!("{:<9} {} (local), {}", t.claim, local_time(t.unix), t.utc);
    }
    match d.expires_in_seconds {
        Some(s) if s > 0 => println!("expires   in {}", tools::human_duration(s)),
        Some(s) => println!("expired   {} ago", tools::human_duration(s)),
        None => {}
    }
    if let Some(life) = d.lifetime_seconds {
        println!("lifetime  {}", tools::human_duration(life));
    }
    for w in &d.warnings {
        println!("warning:  {w}");
    }
}

fn print_info(info: &HashInfo) {
    let params = match (info.cost, info.memory_kib, info.iterations, info.parallelism) {
        (Some(cost), ..) => format!("cost {cost}"),
        (None, Some(m), Some(t), Some(p)) => format!("m={m} KiB t={t} p={p}"),
        _ => String::new(),
    };
    let verdict = if info.meets_minimum { "meets the minimum" } else { "BELOW the minimum" };
    println!("{} ({}) {params}: {verdict}", info.algorithm, info.version);
    for f in &info.findings {
        println!("finding:  {f}");
    }
}

pub fn hash(cmd: HashCommand) -> CliResult {
    match cmd {
        HashCommand::Inspect { hash, json } => {
            let info = tools::hash_inspect(&hash)?;
            if json {
                return print_json(&info);
            }
            print_info(&info);
            Ok(())
        }
        HashCommand::Check { hash, json } => {
            // Refuse a bad hash before asking for a password.
            tools::hash_inspect(&hash)?;
            let password = secret_from_stdin("password (not echoed): ")?;
            let check = tools::hash_check(&hash, &password)?;
            if json {
                print_json(&check)?;
            } else {
                print_info(&check.info);
            }
            if check.matches {
                eprintln!("the password matches");
                Ok(())
            } else {
                Err(Failure::new("the password does NOT match this hash"))
            }
        }
    }
}
