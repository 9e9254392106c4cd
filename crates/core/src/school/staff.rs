//! Staff personal files («Личные дела сотрудников») as shown to administrators: current
//! positions with their level, access roles, acting head, and the Sferum ID.

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

/// The personal files of all staff, in the data's order.
pub fn staff_files(data: &SchoolData) -> Vec<StaffFile> {
    data.staff
        .iter()
        .map(|s| StaffFile {
            id: s.id.clone(),
            full_name: s.full_name.clone(),
            positions: s
                .current_positions()
                .map(|p| match p.level {
                    Level::Head1 => format!("{} (Руководитель 1 уровня)", p.title),
                    Level::Head2 => format!("{} (Руководитель 2 уровня)", p.title),
                    _ => p.title.clone(),
                })
                .collect(),
            access_roles: s.access_roles.clone(),
            acting_head: s.acting_head,
            sferum_id: s.sferum_id,
        })
        .collect()
}
