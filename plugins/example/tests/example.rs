use example_plugin::Example;
use exchange_sdk::testing::{params, TestHost};
use exchange_sdk::{RunRequest, RunStatus};

#[test]
fn greets_counts_and_remembers_its_runs() {
    let host = TestHost::new();
    let request = RunRequest {
        params: params(&[("greeting", "Добрый день"), ("repeat", "2")]),
        ..Default::default()
    };
    let summary = host.run::<Example>(request.clone()).unwrap();
    assert_eq!(summary.status, RunStatus::Ok);
    assert_eq!(summary.counters["runs"], 1);
    assert_eq!(
        host.log_lines(),
        ["info: Добрый день!", "info: Добрый день!"]
    );
    assert_eq!(host.progress.lock().unwrap().len(), 2);

    host.run::<Example>(request).unwrap();
    assert_eq!(host.state_value("runs").as_deref(), Some("2"));
}

#[test]
fn a_signature_is_required_with_sign_and_only_then() {
    let host = TestHost::new();
    let problems = host.validate::<Example>(&params(&[("sign", "1")]));
    assert_eq!(
        problems[0].to_string(),
        "signature: is required with sign=1"
    );
    let problems = host.validate::<Example>(&params(&[("signature", "Директор")]));
    assert_eq!(
        problems[0].to_string(),
        "signature: is set but sign is not 1: set sign=1 too, or remove it"
    );
    let signed = params(&[("sign", "1"), ("signature", "Директор")]);
    assert!(host.validate::<Example>(&signed).is_empty());
}

#[test]
fn a_cancelled_run_stops() {
    let host = TestHost::new();
    host.cancel();
    let error = host.run::<Example>(RunRequest::default()).unwrap_err();
    assert_eq!(error, "cancelled by the host");
}
