//! The browser's `localStorage`, for the journals that must survive a reload (the bulk job, the onboarding
//! run). Native builds (unit tests) have no storage: nothing is saved and nothing is found.

/// The text saved under `key`, if any.
pub fn load(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        storage()?.get_item(key).ok()?
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Saves `text` under `key`; `what` names the journal in the error a full or blocked storage gives.
pub fn save(key: &str, text: &str, what: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    {
        let storage = storage().ok_or("this browser offers no localStorage")?;
        storage.set_item(key, text).map_err(|_| {
            format!("the browser refused to save {what} (storage full or blocked): a reload would lose track of it")
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, text, what);
        Ok(())
    }
}

/// Forgets what is saved under `key`.
pub fn clear(key: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = key;
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
