//! Rapport's desktop shell: opens the book, holds `rapport_core::App` as Tauri state and exposes
//! commands that are each one call into core. Everything else lives in rapport-core.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod args;
mod book;
mod commands;
mod events;
mod first_screen;
mod ipc;
mod startup;

use std::process::ExitCode;

/// What the book's page caches may hold, all connections together. Without a bound, scrolling
/// the 100,000-account book filled several readers' 32 MiB caches (the app's memory went from
/// about 150 to 230 MiB); with 32 MiB the store bench's Today, search and account page on that
/// book measured the same as without (2026-12-07). Imports and other bulk writes lift it while
/// they run.
const SQLITE_MEMORY_MIB: u64 = 32;

fn main() -> ExitCode {
    startup::mark_main();
    // Before any thread starts (the environment is read by WebKit's processes).
    #[cfg(target_os = "linux")]
    software_rendering();

    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,rapport=debug".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    tracing::debug!(since_start_ms = startup::ms(), "main");

    let args = match args::Args::parse(std::env::args().skip(1)) {
        Ok(args::Parsed::Run(args)) => args,
        Ok(args::Parsed::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("rapport: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };

    rapport_core::store::limit_sqlite_memory(SQLITE_MEMORY_MIB);
    // The book opens (and Today is read ahead) on a thread while the window starts; a book that
    // does not open is shown in the window (the UI asks again), so the app still starts.
    let opened = match book::open(&args.source) {
        Ok(opened) => opened,
        Err(message) => {
            eprintln!("rapport: {message}");
            return ExitCode::FAILURE;
        }
    };

    let specta = commands::specta_builder();
    let app = match tauri::Builder::default()
        // First: a second launch focuses the running window and exits.
        .plugin(tauri_plugin_single_instance::init(|handle, _args, _cwd| focus_main(handle)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(remember_window_state)
        .manage(opened.book)
        .manage(opened.first_today)
        .manage(commands::sync::SyncState::default())
        .invoke_handler(specta.invoke_handler())
        .on_page_load(|_, payload| tracing::debug!(since_start_ms = startup::ms(), event = ?payload.event(), "page load"))
        .setup(move |app| {
            tracing::debug!(since_start_ms = startup::ms(), "window setup");
            specta.mount_events(app);
            events::start(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!())
    {
        Ok(app) => app,
        Err(e) => {
            eprintln!("rapport: cannot start the window: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = app.run_return(|_, _| {});
    // The demo book's temp dir is removed here, after the window closed.
    drop(opened.demo_dir);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// WebKitGTK draws through its DMA-BUF renderer by default, which loads a GL stack into the web
/// process; with no GPU (a VM, Xvfb) that stack is Mesa's software rasteriser. Rapport's pages
/// are text, lists and a small chart: they need no GPU compositing. Measured under Xvfb, the web
/// process takes about 114 MiB of PSS instead of 210 without it, and the window renders the same.
/// The same switch is the usual cure for blank Tauri windows on some GPU drivers. A value the
/// user set (`WEBKIT_DISABLE_DMABUF_RENDERER=0`) is kept.
#[cfg(target_os = "linux")]
fn software_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

/// Brings the main window to the front (a second launch of the app lands here).
fn focus_main(handle: &tauri::AppHandle) {
    use tauri::Manager;
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Saves the window's size and place as soon as they change, not only on a clean exit (a
/// killed or crashed app would otherwise reopen at the old size).
fn remember_window_state(window: &tauri::Window, event: &tauri::WindowEvent) {
    use tauri::Manager;
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    if matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
        if let Err(e) = window.app_handle().save_window_state(StateFlags::all()) {
            tracing::warn!(error = %e, "could not remember the window's size");
        }
    }
}
