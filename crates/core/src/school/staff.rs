//! Staff personal files («Личные дела сотрудников») as shown to administrators: current
//! positions with their level, access roles, acting head, and the Sferum ID.

use crate::i18n::Lang;
use crate::tr;
use exchange_sdk::school::{Level, SchoolData};

/// One employee's personal file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaffFile {
    pub id: String,
    pub full_name: String,
    /// Current positions; a head's level is named, e.g. `Директор (Руководитель 1 уровня)`.
    pub positions: Vec<String>,
    pub access_roles: Vec<String>,
    /// «Является ИО руководителя».
    pub acting_head: bool,
    /// `None` when the employee is not linked to Sferum.
    pub sferum_id: Option<u64>,
}

/// The personal files of all staff, in the data's order, the levels named in `lang`.
pub fn staff_files(data: &SchoolData, lang: Lang) -> Vec<StaffFile> {
    data.staff
        .iter()
        .map(|s| StaffFile {
            id: s.id.clone(),
            full_name: s.full_name.clone(),
            positions: s
                .current_positions()
                .map(|p| match p.level {
                    Level::Head1 => tr!(lang, "staff-head-level", title = &p.title, level = 1),
                    Level::Head2 => tr!(lang, "staff-head-level", title = &p.title, level = 2),
                    _ => p.title.clone(),
                })
                .collect(),
            access_roles: s.access_roles.clone(),
            acting_head: s.acting_head,
            sferum_id: s.sferum_id,
        })
        .collect()
}
