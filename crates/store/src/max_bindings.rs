//! MAX bindings: per person of an organization's school data (by record key, so they survive
//! re-imports), the deep-link payload a task handed out and the MAX user id that opened it.
//! Plugins reach them through the `max_bindings` host service.

use super::{now_ms, Store};
use exchange_sdk::negotiate::MaxBinding;
use rusqlite::params;

impl Store {
    /// The organization's bindings, by person key.
    pub fn max_bindings(&self, org_id: &str) -> anyhow::Result<Vec<MaxBinding>> {
        let mut stmt = self.conn.prepare(
            "SELECT person, payload, link, max_id FROM max_bindings WHERE org_id = ?1 ORDER BY person",
        )?;
        let rows = stmt.query_map([org_id], |r| {
            Ok(MaxBinding {
                person: r.get(0)?,
                payload: r.get(1)?,
                link: r.get(2)?,
                max_id: r.get::<_, Option<i64>>(3)?.map(|id| id as u64),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Hands out deep links in one transaction: a person who has a binding keeps its payload
    /// and MAX id and gets the new link text; the others get the offered payload.
    pub fn offer_max_bindings(
        &mut self,
        org_id: &str,
        offers: &[MaxBinding],
    ) -> anyhow::Result<()> {
        self.write(|tx| {
            for b in offers {
                tx.execute(
                    "INSERT INTO max_bindings (org_id, person, payload, link, offered_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (org_id, person) DO UPDATE SET link = excluded.link",
                    params![org_id, b.person, b.payload, b.link, now_ms()],
                )?;
            }
            Ok(())
        })
    }

    /// Records that `max_id` opened the deep link with `payload`; an unknown payload changes
    /// nothing. Whether a binding changed.
    pub fn bind_max(&mut self, org_id: &str, payload: &str, max_id: u64) -> anyhow::Result<bool> {
        let max_id = i64::try_from(max_id)
            .map_err(|_| anyhow::anyhow!("MAX user id {max_id} is out of range"))?;
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE max_bindings SET max_id = ?3, bound_ms = ?4
                 WHERE org_id = ?1 AND payload = ?2 AND max_id IS NOT ?3",
                params![org_id, payload, max_id, now_ms()],
            )?;
            Ok(changed > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(person: &str, payload: &str, link: &str) -> MaxBinding {
        MaxBinding {
            person: person.into(),
            payload: payload.into(),
            link: link.into(),
            max_id: None,
        }
    }

    #[test]
    fn offers_keep_the_first_payload_and_bindings_survive_new_offers() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        store.add_org("s1", "Школа").unwrap();
        store
            .offer_max_bindings(
                "s1",
                &[offer("student:a", "p1", "https://max.ru/bot?start=p1")],
            )
            .unwrap();
        assert!(store.bind_max("s1", "p1", 42).unwrap());
        assert!(
            !store.bind_max("s1", "p1", 42).unwrap(),
            "the same binding again"
        );
        assert!(!store.bind_max("s1", "nobody", 43).unwrap());
        store
            .offer_max_bindings(
                "s1",
                &[
                    offer("student:a", "p9", "https://max.ru/bot2?start=p1"),
                    offer("parent:b", "p2", "https://max.ru/bot2?start=p2"),
                ],
            )
            .unwrap();
        let all = store.max_bindings("s1").unwrap();
        assert_eq!(
            all,
            [
                offer("parent:b", "p2", "https://max.ru/bot2?start=p2"),
                MaxBinding {
                    max_id: Some(42),
                    ..offer("student:a", "p1", "https://max.ru/bot2?start=p1")
                },
            ]
        );
        assert!(store.max_bindings("other").unwrap().is_empty());
    }
}
