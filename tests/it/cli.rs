//! The `loket` command as a newcomer uses it: serve, user add/list/disable/enable/password,
//! demo, routes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn loket(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_loket"));
    c.env(
        "LOKET_DATABASE_URL",
        format!("sqlite://{}", dir.join("data/loket.db").display()),
    )
    .env_remove("LOKET_PASSWORD")
    .env_remove("LOKET_CONFIG")
    .current_dir(dir);
    c
}

#[test]
fn user_add_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = loket(dir.path())
        .args([
            "user",
            "add",
            "anna",
            "--role",
            "agent",
            "--display-name",
            "Anna de Vries",
        ])
        .env("LOKET_PASSWORD", "a-long-password")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Password from standard input when LOKET_PASSWORD is unset.
    let mut child = loket(dir.path())
        .args(["user", "add", "tamara", "--role", "interpreter"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"another-long-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = loket(dir.path()).args(["user", "list"]).output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("anna"), "{list}");
    assert!(
        list.contains("chat,video"),
        "agents serve chat and video: {list}"
    );
    assert!(list.contains("tamara"));
    assert!(list.contains("ngt"));

    // Clear errors for bad input, and nothing half-created.
    let out = loket(dir.path())
        .args(["user", "add", "x", "--role", "wizard"])
        .env("LOKET_PASSWORD", "a-long-password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));
    let out = loket(dir.path())
        .args(["user", "add", "kort", "--role", "agent"])
        .env("LOKET_PASSWORD", "short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));
    let out = loket(dir.path())
        .args(["user", "add", "anna", "--role", "agent"])
        .env("LOKET_PASSWORD", "a-long-password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

/// Issue 13 item 9: disable, enable and set a password from the command line.
#[test]
fn user_disable_enable_and_password() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], password: Option<&str>| {
        let mut c = loket(dir.path());
        c.args(args);
        if let Some(p) = password {
            c.env("LOKET_PASSWORD", p);
        }
        c.output().unwrap()
    };
    let out = run(
        &["user", "add", "anna", "--role", "agent"],
        Some("a-long-password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "disable", "anna"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(run(&["user", "list"], None).stdout).unwrap();
    assert!(list.contains("[disabled]"), "{list}");
    let out = run(&["user", "enable", "anna"], None);
    assert!(out.status.success());
    let list = String::from_utf8(run(&["user", "list"], None).stdout).unwrap();
    assert!(!list.contains("[disabled]"), "{list}");
    let out = run(&["user", "password", "anna"], Some("another-long-password"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "password", "anna"], Some("short"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10"));
    for cmd in ["disable", "enable", "password"] {
        let out = run(&["user", cmd, "nobody"], Some("another-long-password"));
        assert!(!out.status.success(), "{cmd}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no account"),
            "{cmd}"
        );
    }
}

#[test]
fn demo_seeds_marked_data_and_routes_list_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = loket(dir.path()).arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("demo"), "{text}");
    let out = loket(dir.path()).args(["user", "list"]).output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("[demo]"), "{list}");
    // Seeding twice is harmless.
    assert!(
        loket(dir.path())
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );

    let out = loket(dir.path()).arg("routes").output().unwrap();
    let routes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(routes.as_array().unwrap().iter().any(|r| r["path"] == "/"));
}

#[test]
fn serve_creates_the_database_prints_the_admin_password_and_becomes_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = loket(dir.path())
        .env("LOKET_BIND", format!("127.0.0.1:{port}"))
        .env("LOKET_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let start = Instant::now();
    let mut log = String::new();
    let mut healthy = false;
    while start.elapsed() < Duration::from_secs(20) {
        while let Ok(line) = rx.try_recv() {
            log.push_str(&line);
            log.push('\n');
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
            let mut resp = String::new();
            let _ = std::io::Read::read_to_string(&mut s, &mut resp);
            if resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200") {
                healthy = true;
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    while let Ok(line) = rx.try_recv() {
        log.push_str(&line);
        log.push('\n');
    }
    // SIGTERM: a clean shutdown.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(healthy, "never became healthy; log:\n{log}");
    assert!(
        log.contains("password"),
        "admin password printed once: {log}"
    );
    assert!(dir.path().join("data/loket.db").exists());
    assert!(status.success(), "clean exit on SIGTERM");
}
