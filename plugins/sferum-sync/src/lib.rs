//! The Sferum sync task type: «Синхронизация чатов и ВКС с платформой VK Сферум».
//!
//! Keeps a school's VK Sferum chats (staff room, parents' and students' chat per class,
//! subject chats), their admins and invite links, and the video-call links of the diary in
//! step with the school data the host holds.

mod manifest;
pub mod plan;
pub mod rules;
pub mod state;

use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{Context, Manifest, RunSummary, TaskPlugin};

/// The plugin's entry type.
#[derive(Default)]
pub struct SferumSync;

impl TaskPlugin for SferumSync {
    fn manifest(&self) -> Manifest {
        manifest::manifest()
    }

    fn validate(&self, params: &Params) -> Vec<ParamProblem> {
        manifest::validate(params)
    }

    fn check(&self, _ctx: &Context<'_>) -> Result<String, String> {
        Err("the Sferum sync check is not implemented yet".into())
    }

    fn run(&self, _ctx: &Context<'_>) -> Result<RunSummary, String> {
        Err("the Sferum sync run is not implemented yet".into())
    }
}

exchange_sdk::export_plugin!(SferumSync);
