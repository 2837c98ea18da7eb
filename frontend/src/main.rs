//! The `cw-console` binary Trunk builds: it only mounts the app (everything else lives in the library).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(cw_console::App);
}
