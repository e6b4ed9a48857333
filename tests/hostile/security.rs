//! Security basics: no user text reaches a shell; settings a `.env` in the current folder sets
//! (which can point the app at files) are shown by `config` and logged at start; models are
//! downloaded over HTTPS only. (Names and templates: `folders.rs`.)

use super::{row, run, said};
use crate::util::slopcannon;
use slopcannon_testkit::{test_dir, workspace_root};

#[test]
fn hostile_dotenv_settings_are_shown_and_logged() {
    let dir = test_dir("hostile_dotenv");
    let model = dir.join("elsewhere/ggml-evil.bin");
    std::fs::write(
        dir.join(".env"),
        format!("SLOP_WHISPER_MODEL={}\n", model.display()),
    )
    .expect("write .env");
    let r = run(slopcannon(&dir).arg("config"));
    r.succeeds();
    let line = r
        .out
        .lines()
        .find(|l| l.starts_with("SLOP_WHISPER_MODEL"))
        .unwrap_or_else(|| panic!("SLOP_WHISPER_MODEL in {}", r.out));
    assert!(
        line.contains(&model.display().to_string()) && line.ends_with("(.env)"),
        "{line}"
    );
    let logged = format!(
        "setting from ./.env: SLOP_WHISPER_MODEL={}",
        model.display()
    );
    assert!(r.err.contains(&logged), "{}", r.err);
    let r = run(slopcannon(&dir).arg("probe").arg(dir.join("none.mp4")));
    assert!(
        r.err.contains(&logged),
        "logged by every command: {}",
        r.err
    );
    row(".env setting SLOP_WHISPER_MODEL to a file elsewhere", "config; probe", "shown as \"(.env)\" by config; every command logs \"setting from ./.env: SLOP_WHISPER_MODEL=…\"");
}

#[test]
fn hostile_models_are_downloaded_over_https_only() {
    let dir = test_dir("hostile_https");
    let r = run(slopcannon(&dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .args([
            "models",
            "download",
            "tiny.en",
            "--url",
            "http://example.com/models",
        ]));
    let line = r.fails_with("models are downloaded over HTTPS only");
    assert!(!dir
        .join("data/slopcannon/models/ggml-tiny.en.bin.part")
        .exists());
    row(
        "model download from http://example.com",
        "models download",
        &said(r.code, line),
    );
}

/// Every program the app or engine starts is named by a string literal that is not a shell,
/// and no code builds a command line (`-c`): user text can only be an argument.
#[test]
fn hostile_no_user_text_reaches_a_shell() {
    let root = workspace_root();
    let mut seen = Vec::new();
    let mut stack = vec![root.join("src"), root.join("crates/engine/src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read source");
            for (i, _) in text.match_indices("Command::new(") {
                let arg = &text[i + "Command::new(".len()..];
                let program = arg.split(')').next().unwrap_or("");
                assert!(
                    program.starts_with('"'),
                    "{}: Command::new({program}) is not a literal",
                    p.display()
                );
                let name = program.trim_matches('"');
                assert!(
                    !["sh", "bash", "dash", "zsh", "cmd", "powershell"].contains(&name),
                    "{}: a shell",
                    p.display()
                );
                seen.push(name.to_string());
            }
        }
    }
    seen.sort();
    seen.dedup();
    assert!(seen.contains(&"xdg-open".to_string()), "{seen:?}");
    row(
        "user text and the shell",
        "(source check)",
        &format!(
            "programs started: {} — each a literal, none a shell; paths passed as arguments",
            seen.join(", ")
        ),
    );
}
