//! Many schools on one host against one emulator: the setting of the many-organizations,
//! soak and city measurements.

use crate::host::{add_org, Build, World, SFERUM_SYNC};
use exchange_store::Schedule;
use exchange_store::Store;
use sample_school::{sample_school, SampleOptions};
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

/// The first school's community id; the others follow.
const FIRST_COMMUNITY: u64 = 5001;

/// Schools `org-<community>`, each with its community and token in the emulator, a sample
/// school (seeds 1, 2, …) and a Sferum sync task.
pub struct Schools {
    pub emu: EmulatorHandle,
    pub world: World,
    pub store: Store,
    /// The schools' communities, in order.
    pub communities: Vec<u64>,
    /// Published video calls without a link, over all schools: the calls a sync starts.
    pub calls_to_start: u64,
}

fn token(community: u64) -> String {
    format!("bench-token-{community}")
}

impl Schools {
    /// `orgs` schools of about `students` students each, their tasks on `schedule`.
    pub fn new(
        build: &Build,
        orgs: usize,
        students: usize,
        schedule: Schedule,
    ) -> anyhow::Result<Schools> {
        let communities: Vec<u64> = (0..orgs as u64).map(|i| FIRST_COMMUNITY + i).collect();
        let config = communities
            .iter()
            .fold(EmulatorConfig::default(), |c, &id| {
                c.community(id, &token(id))
            });
        let emu = Emulator::start(config)?;
        let world = World::new(build)?;
        world.install(build, SFERUM_SYNC, "libsferum_sync.so")?;
        let mut store = world.store()?;
        let mut calls_to_start = 0;
        for (i, &community) in communities.iter().enumerate() {
            let org = format!("org-{community}");
            add_org(&mut store, &org, community, &token(community))?;
            let school = sample_school(&SampleOptions {
                students,
                seed: i as u64 + 1,
            });
            calls_to_start += school
                .video_calls
                .iter()
                .filter(|c| c.published && c.join_link.is_none())
                .count() as u64;
            store.import_school(&org, &school)?;
            store.add_task(
                &org,
                "sferum-sync",
                schedule,
                &Default::default(),
                &Default::default(),
            )?;
        }
        Ok(Schools {
            emu,
            world,
            store,
            communities,
            calls_to_start,
        })
    }
}
