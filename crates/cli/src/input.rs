//! Reading secrets: from stdin when it is piped (all of it, one trailing newline trimmed), or
//! from a no-echo prompt on a terminal. Never from arguments.

use crate::{CliResult, Failure};
use rampart_core::SecretString;
use std::io::{IsTerminal, Read};

/// Reads one secret value; `prompt` is shown only on a terminal.
pub fn secret_from_stdin(prompt: &str) -> CliResult<SecretString> {
    let stdin = std::io::stdin();
    let mut text = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)
            .map_err(|e| Failure::new(format!("could not read from the terminal: {e}")))?
    } else {
        let mut buf = String::new();
        stdin
            .lock()
            .read_to_string(&mut buf)
            .map_err(|e| Failure::new(format!("could not read stdin as UTF-8 text: {e}")))?;
        buf
    };
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    let value = SecretString::new(text);
    if value.expose().is_empty() {
        return Err(Failure::new(
            "no value on stdin: pipe the secret in, e.g. `printf %s \"$VALUE\" | rampart ...`",
        ));
    }
    Ok(value)
}

/// Reads one line from stdin (codes typed during enrolment).
pub fn line_from_stdin(prompt: &str) -> CliResult<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::new(format!("could not read stdin: {e}")))?;
    Ok(line.trim().to_owned())
}
