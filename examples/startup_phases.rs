//! Times the phases of a check's start-up (registry, matcher, word lists, IEEE tables), each on
//! its first use: `cargo run --release --example startup_phases`. The word lists, the IEEE
//! name index and cores are compiled tables (nothing to read); the organisations and the
//! assignments are made on first use.
use std::time::Instant;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let _ = tvcheck::matcher::weights::spread("network");
    println!("word lists: {:.2} ms", ms(t));
    let t = Instant::now();
    let reg = tvcheck::Registry::embedded()?;
    println!(
        "embedded registry ({} vendors): {:.1} ms",
        reg.data.vendors.len(),
        ms(t)
    );
    let t = Instant::now();
    let _m = tvcheck::matcher::Matcher::new(&reg.data)?;
    println!("matcher index: {:.1} ms", ms(t));
    let t = Instant::now();
    let _ = tvcheck::matcher::ieee::orgs();
    println!("IEEE organisations: {:.1} ms", ms(t));
    let t = Instant::now();
    let _ = tvcheck::matcher::ieee::find_org_by_key("x");
    println!("IEEE name index: {:.2} ms", ms(t));
    let t = Instant::now();
    let _ = tvcheck::matcher::ieee::find_org_by_core("x");
    println!("IEEE cores: {:.2} ms", ms(t));
    let t = Instant::now();
    let _ = tvcheck::matcher::ieee::assignments();
    println!("IEEE assignments: {:.1} ms", ms(t));
    Ok(())
}
