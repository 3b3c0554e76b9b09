//! What the end-to-end tests share: a book in a temp dir, launching the app on it, waiting for
//! screens, screenshots and axe-core.

use crate::webdriver::{Driver, Session};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The passphrase of the test books (RAPPORT_PASSPHRASE: no keyring entry is needed).
const PASSPHRASE: &str = "correct horse battery staple";

/// The screens of the sidebar, in its order, as their routes are named.
pub const MAIN_SCREENS: [&str; 11] =
    ["today", "accounts", "pipeline", "renewals", "whitespace", "objections", "gifts", "search", "trash", "sync", "settings"];

/// `[data-testid="..."]`.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn app_binary() -> PathBuf {
    std::env::var_os("RAPPORT_BIN").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target/debug/rapport"))
}

/// A book the app opens, and the driver that launches it.
pub struct Book {
    args: Vec<String>,
    _dir: tempfile::TempDir,
    driver: Driver,
}

impl Book {
    /// A new, empty book.
    pub fn empty() -> Book {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        Book::with_args(dir, vec!["--book".into(), path.display().to_string()])
    }

    /// The app's tiny demo book (fresh at each launch).
    pub fn demo() -> Book {
        Book::with_args(tempfile::tempdir().unwrap(), vec!["--demo".into()])
    }

    fn with_args(dir: tempfile::TempDir, args: Vec<String>) -> Book {
        let driver = Driver::start(&[("RAPPORT_PASSPHRASE", PASSPHRASE)]).unwrap();
        Book { args, _dir: dir, driver }
    }

    /// Starts the app and waits until its first screen shows its data.
    pub fn launch(&self) -> Session<'_> {
        wait_until_no_app_runs();
        let s = self.driver.session(&app_binary(), &self.args).unwrap();
        s.wait("[data-testid=app][data-ready=true]").unwrap();
        s
    }

    /// Runs the app binary directly on the same book (no WebDriver) and waits (up to 60 s) for
    /// it to exit.
    pub fn run_directly(&self) -> std::process::ExitStatus {
        let mut child = std::process::Command::new(app_binary())
            .args(&self.args)
            .env("RAPPORT_PASSPHRASE", PASSPHRASE)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the second launch was still running after 60 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the window, as the X display shows it, to target/screenshots/<name>.png.
    ///
    /// Not WebDriver's screenshot: WebKitWebDriver takes it through WebKit's own snapshot, which
    /// hangs (the request times out) while the app draws without the DMA-BUF renderer, as it
    /// does by default on Linux (src-tauri/src/main.rs). The display's pixels are what the AE
    /// sees anyway.
    pub fn screenshot(&self, s: &Session<'_>, name: &str) {
        let dir = std::env::var_os("RAPPORT_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target/screenshots"));
        std::fs::create_dir_all(&dir).unwrap();
        // Two animation frames: what the DOM holds now has been painted.
        s.execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .unwrap();
        let png = x11_window_png().unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

/// The app's window ("Rapport", or "Rapport (N)" with N reminders due) on the X display, as PNG
/// bytes (xwininfo finds it, ImageMagick's `import` grabs it).
fn x11_window_png() -> Result<Vec<u8>, String> {
    let tree = std::process::Command::new("xwininfo").args(["-root", "-tree"]).output().map_err(|e| format!("xwininfo: {e}"))?;
    let tree = String::from_utf8_lossy(&tree.stdout);
    // Lines look like `0x1a00003 "Rapport": ("rapport" "Rapport")  1100x720+0+0  +0+0`; the
    // largest such window is the top-level one.
    let window = tree
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let (id, rest) = line.split_once(' ')?;
            let title = rest.strip_prefix('"')?.split('"').next()?;
            let ours = title == "Rapport" || (title.starts_with("Rapport (") && title.ends_with(')'));
            let size = rest.split_whitespace().find_map(|w| {
                let (wh, _) = w.split_once('+')?;
                let (w, h) = wh.split_once('x')?;
                Some(w.parse::<u64>().ok()? * h.parse::<u64>().ok()?)
            })?;
            ours.then(|| (size, id.to_string()))
        })
        .max()
        .map(|(_, id)| id)
        .ok_or_else(|| format!("no window titled Rapport on the display:\n{tree}"))?;
    let out = std::process::Command::new("import")
        .args(["-window", &window, "png:-"])
        .output()
        .map_err(|e| format!("import (ImageMagick): {e}"))?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err(format!("import -window {window}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(out.stdout)
}


/// Waits until the router shows `screen` and its title has rendered.
pub fn wait_for_screen(s: &Session<'_>, screen: &str) {
    s.wait_until(
        &format!("the {screen} screen"),
        "const h = document.querySelector('[data-testid=screen-title]'); \
         return location.hash.startsWith('#/' + arguments[0]) && h && h.textContent.trim() && !document.querySelector('[data-testid=busy]');",
        vec![json!(screen)],
    )
    .unwrap();
}

/// The id in the current route `#/<prefix>/<id>...`.
pub fn route_id(s: &Session<'_>, prefix: &str) -> String {
    let hash = s.execute("return location.hash;", vec![]).unwrap();
    let hash = hash.as_str().unwrap_or_default();
    hash.trim_start_matches(&format!("#/{prefix}/")).split(['/', '?']).next().unwrap_or_default().to_string()
}

/// Sets an input's value as a user's typing would (for date/time inputs, which take no keys
/// reliably in WebKitWebDriver).
pub fn set_value(s: &Session<'_>, e: &crate::webdriver::Element, value: &str) {
    s.execute(
        "const [el, v] = arguments; el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); \
         el.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![Session::arg(e), json!(value)],
    )
    .unwrap();
}

/// Tomorrow at 10:00, as a datetime-local input wants it.
pub fn tomorrow_at_ten() -> String {
    let day = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    format!("{day}T10:00")
}

/// Adds a stakeholder on the account's People tab.
pub fn add_contact(s: &Session<'_>, first: &str, last: &str, title: &str, role: &str) {
    s.click(&s.wait(&tid("contact-new")).unwrap()).unwrap();
    s.fill(&s.wait(&tid("contact-first-name")).unwrap(), first).unwrap();
    s.fill(&s.wait(&tid("contact-last-name")).unwrap(), last).unwrap();
    s.fill(&s.wait(&tid("contact-title")).unwrap(), title).unwrap();
    s.select(&s.wait(&tid("contact-role")).unwrap(), role).unwrap();
    s.click(&s.wait(&tid("contact-save")).unwrap()).unwrap();
    s.wait(&format!("[data-testid^=contact-row-][data-role={role}]")).unwrap();
}

/// Calls one of the app's commands from the page (as the UI does) and returns its value.
pub fn invoke(s: &Session<'_>, command: &str, args: Value) -> Value {
    let v = s
        .execute_async(
            "const [cmd, args, done] = arguments; window.__TAURI__.core.invoke(cmd, args)\
             .then(v => done({ok: v}), e => done({err: e}));",
            vec![json!(command), args],
        )
        .unwrap();
    match v.get("ok") {
        Some(ok) => ok.clone(),
        None => panic!("{command} failed: {}", v["err"]),
    }
}

/// axe-core's serious and critical violations on the current page, one line each.
pub fn axe(s: &Session<'_>) -> Vec<String> {
    let path = std::env::var_os("RAPPORT_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("ui/node_modules/axe-core/axe.min.js"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("axe-core at {}: {e} (cd ui && npm ci)", path.display()));
    s.execute(&format!("{source}\n;return typeof window.axe;"), vec![]).unwrap();
    let v = s
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations \
               .filter(v => v.impact === 'serious' || v.impact === 'critical') \
               .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')})`)), \
               e => done([`axe failed: ${e}`]));",
            vec![],
        )
        .unwrap();
    serde_json::from_value(v).unwrap_or_default()
}

/// A message of the UI's locale file `lang` (ui/src/locales/<lang>.json).
pub fn message(lang: &str, key: &str) -> String {
    let path = repo_root().join(format!("ui/src/locales/{lang}.json"));
    let all: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    all[key].as_str().unwrap_or_else(|| panic!("{key} is not in {}", path.display())).to_string()
}

/// The native window's title once `ok` holds for it (or the last one seen after 20 s).
pub fn window_title_when(s: &Session<'_>, ok: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let v = s
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.__TAURI__.window.getCurrentWindow().title().then(done, e => done(`error: ${e}`));",
                vec![],
            )
            .unwrap();
        let title = v.as_str().unwrap_or_default().to_string();
        if ok(&title) || std::time::Instant::now() > deadline {
            return title;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Waits (up to 20 s) until no process runs the app binary: a launch while the previous one
/// is still closing would only focus it (single instance) and exit.
fn wait_until_no_app_runs() {
    let bin = app_binary().canonicalize().unwrap_or_else(|_| app_binary());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let running = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|exe| exe == bin));
        if !running {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the previous app is still running after 20 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
