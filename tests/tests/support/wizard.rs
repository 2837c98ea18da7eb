//! Driving the onboarding wizard in the browser (demo and live tests share these).

use super::browser::*;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

/// Waits until `css` is displayed (the wizard shows one page at a time).
pub async fn wait_visible(c: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && el.is_displayed().await.unwrap_or(false)
        {
            return;
        }
        assert!(Instant::now() < deadline, "waited 30 s for {css} to be shown");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An input's current value.
pub async fn value(c: &Client, css: &str) -> String {
    let el = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
    el.prop("value").await.unwrap().unwrap_or_default()
}

/// Waits until an input's value satisfies `check`.
pub async fn wait_value(c: &Client, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = value(c, css).await;
        if check(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "waited 30 s for {css} to hold {what}; it holds {v:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// True when the element is enabled.
pub async fn enabled(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.unwrap().is_enabled().await.unwrap()
}

/// Clicks Next and waits for page `page`.
pub async fn next(c: &Client, page: usize) {
    click(c, "#wz-next").await;
    wait_visible(c, &format!("#wz-{page}")).await;
}

/// Step 1 with an address.
pub async fn fill_company(c: &Client, name: &str, identifier: &str) {
    fill(c, "#wz-name", name).await;
    fill(c, "#wz-identifier", identifier).await;
    fill(c, "#wz-address1", "200 Lake Street").await;
    fill(c, "#wz-city", "Madison").await;
    fill(c, "#wz-state", "WI").await;
    fill(c, "#wz-zip", "53703").await;
}

/// Adds contact rows: `(first, last, email)`.
pub async fn add_contacts(c: &Client, contacts: &[(&str, &str, &str)]) {
    for (i, (first, last, email)) in contacts.iter().enumerate() {
        click(c, "#wz-contact-add").await;
        wait_count(c, ".wz-contact", "the new contact row", |n| n == i + 1).await;
        fill(c, &format!("#wz-contact-{i}-first"), first).await;
        fill(c, &format!("#wz-contact-{i}-last"), last).await;
        fill(c, &format!("#wz-contact-{i}-email"), email).await;
    }
}

/// Fills every page from step 1 and stops on Review (page 6), with the agreement and ticket on or skipped.
pub async fn fill_wizard(
    c: &Client,
    name: &str,
    identifier: &str,
    contacts: &[(&str, &str, &str)],
    agreement: bool,
    ticket: bool,
) {
    fill_company(c, name, identifier).await;
    next(c, 2).await;
    next(c, 3).await;
    add_contacts(c, contacts).await;
    next(c, 4).await;
    if agreement {
        fill(c, "#wz-agreement-name", "Managed Services - Gold").await;
        fill(c, "#wz-agreement-amount", "2500").await;
    } else {
        click(c, "#wz-agreement-skip").await;
    }
    next(c, 5).await;
    if !ticket {
        click(c, "#wz-ticket-skip").await;
    }
    next(c, 6).await;
}

/// Waits for pre-flight to finish and returns its status line.
pub async fn preflight_status(c: &Client) -> String {
    wait_text(c, "#wz-preflight-status", "pre-flight to finish", |t| !t.contains("Checking")).await
}
