//! The registry's own edits that end a record: retiring an entry and delisting a listing, with
//! their preconditions (the entry exists, is not retired yet; the listing is in force and ends
//! after it began). Each returns the changed content for [`super::Store::commit_with`].

use super::RegistryData;
use crate::date::Date;
use crate::error::{Error, ErrorKind, Result};

/// The error for an id no entry has, with the ids that look like it.
pub fn no_entry(reg: &RegistryData, id: &str) -> Error {
    let close: Vec<&str> = reg
        .vendors
        .iter()
        .filter(|v| v.id.contains(id) || id.contains(v.id.as_str()))
        .map(|v| v.id.as_str())
        .take(5)
        .collect();
    let hint = if close.is_empty() {
        "run `tvcheck registry list` to see the ids".to_string()
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Error::new(
        ErrorKind::Usage,
        format!("no registry entry with id '{id}'"),
    )
    .hint(hint)
}

/// `current` with entry `id` retired from `on` for `reason`: refused when there is no such
/// entry or it is retired already.
pub fn retire(current: &RegistryData, id: &str, on: Date, reason: &str) -> Result<RegistryData> {
    let mut data = current.clone();
    let Some(v) = data.vendors.iter_mut().find(|v| v.id == id) else {
        return Err(no_entry(current, id));
    };
    if let Some(r) = v.retired_on {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("entry '{id}' was already retired on {r}"),
        )
        .hint("see `tvcheck registry history ID`"));
    }
    v.retired_on = Some(on);
    v.retired_reason = Some(reason.trim().to_string());
    Ok(data)
}

/// `current` with the listing of entry `id` on `list` that is in force (the latest, if several)
/// ended from `on` for `reason`: refused when there is no such entry or listing, or when `on`
/// is not after the listing date.
pub fn delist(
    current: &RegistryData,
    id: &str,
    list: &str,
    on: Date,
    reason: &str,
) -> Result<RegistryData> {
    let mut data = current.clone();
    let Some(v) = data.vendors.iter_mut().find(|v| v.id == id) else {
        return Err(no_entry(current, id));
    };
    let lists: Vec<String> = v.listings.iter().map(|l| l.list.clone()).collect();
    let Some(l) = v
        .listings
        .iter_mut()
        .filter(|l| l.list == list && l.delisted_on.is_none())
        .max_by_key(|l| l.listed_on)
    else {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("entry '{id}' has no listing on '{list}' in force"),
        )
        .hint(if lists.is_empty() {
            "it is on no list".to_string()
        } else {
            format!("its listings are on {}", lists.join(", "))
        }));
    };
    if on <= l.listed_on {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("--on {on} is not after the listing date {}", l.listed_on),
        ));
    }
    l.delisted_on = Some(on);
    l.delisted_reason = Some(reason.trim().to_string());
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn retiring_needs_an_entry_that_is_not_retired() {
        let reg = crate::registry::Registry::embedded().unwrap().data;
        let id = &reg.vendors[0].id;
        let once = retire(&reg, id, date("2026-01-01"), " sold ").unwrap();
        let v = once.vendors.iter().find(|v| &v.id == id).unwrap();
        assert_eq!(v.retired_on, Some(date("2026-01-01")));
        assert_eq!(v.retired_reason.as_deref(), Some("sold"));
        let again = retire(&once, id, date("2026-02-01"), "x").unwrap_err();
        assert!(
            again.message.contains("already retired on 2026-01-01"),
            "{again}"
        );
        let missing = retire(&reg, "no-such-entry", date("2026-01-01"), "x").unwrap_err();
        assert!(missing.message.contains("no registry entry"), "{missing}");
    }

    #[test]
    fn delisting_needs_a_listing_in_force_that_began_before() {
        let reg = crate::registry::Registry::embedded().unwrap().data;
        let v = reg.vendors.iter().find(|v| v.id == "huawei").unwrap();
        let l = v.listings.iter().find(|l| l.delisted_on.is_none()).unwrap();
        let (list, began) = (l.list.clone(), l.listed_on);
        let early = delist(&reg, "huawei", &list, began, "x").unwrap_err();
        assert!(
            early.message.contains("is not after the listing date"),
            "{early}"
        );
        let on = Date::from_days(began.to_days() + 1);
        let ended = delist(&reg, "huawei", &list, on, "court order").unwrap();
        let v = ended.vendors.iter().find(|v| v.id == "huawei").unwrap();
        assert!(v
            .listings
            .iter()
            .any(|l| l.list == list && l.delisted_on == Some(on)));
        let twice = delist(
            &ended,
            "huawei",
            &list,
            Date::from_days(on.to_days() + 1),
            "x",
        );
        // Another listing on the same list may still be in force; if not, it is refused.
        if v.listings.iter().filter(|l| l.list == list).count() == 1 {
            assert!(twice.unwrap_err().message.contains("no listing on"));
        }
        let none = delist(&reg, "huawei", "no-such-list", on, "x").unwrap_err();
        assert!(
            none.message
                .contains("no listing on 'no-such-list' in force"),
            "{none}"
        );
    }
}
