//! A small W3C WebDriver client over tauri-driver (which drives Debian's WebKitWebDriver), just
//! what the end-to-end suite and the app benchmark need: sessions on the real binary, finding
//! elements by `data-testid`, clicking, typing, running scripts.
//!
//! Shared with crates/bench through `#[path]`, so it depends only on reqwest and serde_json.

use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub type Result<T> = std::result::Result<T, String>;

/// The key W3C WebDriver puts element references under.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A free TCP port on localhost (another engineer's driver may hold the default 4444).
pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A running tauri-driver, in a process group of its own with the WebKitWebDriver and the apps
/// it starts. The whole group is killed on drop, so an app left open by a failed test (a hung
/// WebDriver request, say) cannot stay behind and make the next launch only focus it.
pub struct Driver {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
}

impl Driver {
    /// Starts tauri-driver on free ports with `env` added to what the app will see.
    pub fn start(env: &[(&str, &str)]) -> Result<Driver> {
        let port = free_port()?;
        let native = free_port()?;
        let bin = tauri_driver_path();
        let mut cmd = Command::new(&bin);
        cmd.process_group(0)
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().map_err(|e| format!("cannot start {}: {e} (cargo install tauri-driver --locked)", bin.display()))?;
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().map_err(|e| e.to_string())?;
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}"), http };
        let deadline = Instant::now() + Duration::from_secs(20);
        while driver.http.get(format!("{}/status", driver.url)).send().is_err() {
            if Instant::now() > deadline {
                return Err("tauri-driver did not answer within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }

    /// Launches `app` with `args` and opens a session on its window.
    pub fn session(&self, app: &Path, args: &[String]) -> Result<Session<'_>> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": app, "args": args}
        }}});
        let v = call(&self.http, "POST", &format!("{}/session", self.url), Some(caps))?;
        let id = v["sessionId"].as_str().ok_or_else(|| format!("no session id in {v}"))?.to_string();
        Ok(Session { driver: self, id })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A negative pid names the process group (tauri-driver's pid is its group's id).
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tauri_driver_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let installed = cargo_home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        "tauri-driver".into()
    }
}

/// Sends one WebDriver request and returns its `value`, or the driver's error message.
fn call(http: &reqwest::blocking::Client, method: &str, url: &str, body: Option<Value>) -> Result<Value> {
    let req = match method {
        "GET" => http.get(url),
        "DELETE" => http.delete(url),
        _ => http.post(url).json(&body.unwrap_or_else(|| json!({}))),
    };
    let resp = req.send().map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status();
    let v: Value = resp.json().map_err(|e| format!("{method} {url}: unreadable answer: {e}"))?;
    if !status.is_success() {
        return Err(format!("{method} {url}: {} {}", v["value"]["error"], v["value"]["message"]));
    }
    Ok(v["value"].clone())
}

/// One app launch driven through WebDriver. Ends (and closes the app) on drop.
pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

/// A reference to an element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session<'_> {
    fn url(&self, rest: &str) -> String {
        format!("{}/session/{}{rest}", self.driver.url, self.id)
    }

    fn call(&self, method: &str, rest: &str, body: Option<Value>) -> Result<Value> {
        call(&self.driver.http, method, &self.url(rest), body)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns what it returns.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    /// Runs an async script: it must call `arguments[arguments.length - 1](result)`.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": args})))
    }

    /// All elements matching a CSS selector, now.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})))?;
        Ok(v.as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT].as_str().map(|s| Element(s.to_string()))).collect())
            .unwrap_or_default())
    }

    /// Waits (up to 20 s) for an element matching `css`.
    pub fn wait(&self, css: &str) -> Result<Element> {
        self.wait_for(css, Duration::from_secs(20))
    }

    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find_all(css) {
                Ok(found) => {
                    if let Some(e) = found.into_iter().next() {
                        return Ok(e);
                    }
                }
                // WebKitWebDriver answers "stale element reference" when the page replaces a
                // node while the query runs (a list re-rendering after a save): not there yet.
                Err(e) if e.contains("stale element") => {}
                Err(e) => return Err(e),
            }
            if Instant::now() > deadline {
                return Err(format!("no element `{css}` after {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `script` (a function body) returns something truthy, and returns it.
    pub fn wait_until(&self, what: &str, script: &str, args: Vec<Value>) -> Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.execute(script, args.clone())?;
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return Ok(v);
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn click(&self, e: &Element) -> Result<()> {
        self.call("POST", &format!("/element/{}/click", e.0), None).map(|_| ())
    }

    /// Clears the field and types `text`.
    pub fn fill(&self, e: &Element, text: &str) -> Result<()> {
        self.call("POST", &format!("/element/{}/clear", e.0), None)?;
        self.type_keys(e, text)
    }

    pub fn type_keys(&self, e: &Element, text: &str) -> Result<()> {
        self.call("POST", &format!("/element/{}/value", e.0), Some(json!({"text": text}))).map(|_| ())
    }

    /// The element's text as shown (its `innerText`, or `textContent` when it has no layout).
    pub fn text(&self, e: &Element) -> Result<String> {
        let v = self.execute("const e = arguments[0]; return (e.innerText || e.textContent || '').trim();", vec![Session::arg(e)])?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub fn attr(&self, e: &Element, name: &str) -> Result<Option<String>> {
        Ok(self.call("GET", &format!("/element/{}/attribute/{name}", e.0), None)?.as_str().map(str::to_string))
    }

    /// Picks the `<option>` with this value in a `<select>` and tells the page it changed.
    pub fn select(&self, e: &Element, value: &str) -> Result<()> {
        self.execute(
            "const [s, v] = arguments; s.value = v; s.dispatchEvent(new Event('input', {bubbles: true})); \
             s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === v;",
            vec![json!({ELEMENT: e.0}), json!(value)],
        )?
        .as_bool()
        .filter(|ok| *ok)
        .map(|_| ())
        .ok_or_else(|| format!("the select has no option `{value}`"))
    }

    /// The element as a script argument.
    pub fn arg(e: &Element) -> Value {
        json!({ELEMENT: e.0})
    }

    /// The window's size in CSS pixels, as WebDriver sees it.
    pub fn window_size(&self) -> Result<(i64, i64)> {
        let v = self.call("GET", "/window/rect", None)?;
        Ok((v["width"].as_i64().unwrap_or_default(), v["height"].as_i64().unwrap_or_default()))
    }

    pub fn set_window_size(&self, width: i64, height: i64) -> Result<()> {
        self.call("POST", "/window/rect", Some(json!({"width": width, "height": height}))).map(|_| ())
    }

    /// Sets the hash route (`/accounts/<id>`), as the UI's router reads it.
    pub fn go(&self, route: &str) -> Result<()> {
        self.execute("location.hash = arguments[0];", vec![json!(route)]).map(|_| ())
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self.call("DELETE", "", None);
    }
}
