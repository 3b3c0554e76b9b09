//! Sign-up, login, device tokens, revocation, spaces and members over HTTP, on both backends.

use crate::support::*;
use rapport_core::sync::protocol::{
    DeviceInfo, ErrorBody, LoginRequest, MemberRequest, PullRequest, PushRequest, SignUpRequest, SpaceInfo, SpaceKind, SpaceRequest,
};
use rapport_server::SyncStore;
use uuid::Uuid;

on_both_backends!(
    signing_up_twice_with_the_same_email_in_any_case_is_refused,
    sign_up_names_the_bad_field,
    a_wrong_password_or_unknown_email_gets_bad_credentials,
    login_registers_the_device_and_its_token_opens_the_sync_endpoints,
    a_device_id_of_another_user_cannot_log_in,
    a_revoked_device_is_refused_everywhere_until_it_signs_in_again,
    a_user_revokes_only_their_own_devices,
    spaces_are_created_idempotently_and_someone_elses_id_is_refused,
    a_team_space_is_shared_with_members_the_owner_adds_and_removes,
    every_sync_endpoint_needs_a_token,
);

async fn signing_up_twice_with_the_same_email_in_any_case_is_refused<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    server.signup("ana@example.com").await;
    let req = SignUpRequest { email: "ANA@Example.com".into(), password: "another password".into(), name: String::new() };
    let res = server.post("/v1/signup", None, &req).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "email_taken");
    assert_eq!(server.store.counts().await.unwrap().users, 1);
    // The first account still signs in, with the email in any case.
    server.login("Ana@EXAMPLE.com", Uuid::now_v7()).await;
}

async fn sign_up_names_the_bad_field<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let cases = [
        (r#"{"email": "not-an-email", "password": "long enough pw"}"#, "email"),
        (r#"{"email": "ana@example.com", "password": "short"}"#, "password"),
        (r#"{"email": "ana@example.com", "password": 12345678}"#, "password"),
        (r#"{"password": "long enough pw"}"#, ""),
    ];
    for (body, field) in cases {
        let res = server.post_raw("/v1/signup", None, body).await;
        assert_eq!(res.status(), 400, "{body}");
        let err: ErrorBody = res.json().await.unwrap();
        assert!(!err.message.is_empty());
        if !field.is_empty() {
            assert_eq!(err.field.as_deref(), Some(field), "{body}: {err:?}");
        } else {
            assert!(err.message.contains("email"), "{err:?}");
        }
    }
    assert_eq!(server.store.counts().await.unwrap().users, 0);
}

async fn a_wrong_password_or_unknown_email_gets_bad_credentials<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    server.signup("ana@example.com").await;
    for (email, password) in [("ana@example.com", "wrong password"), ("bob@example.com", "correct horse battery")] {
        let req = LoginRequest { email: email.into(), password: password.into(), device: Uuid::now_v7(), device_name: "x".into() };
        let res = server.post("/v1/login", None, &req).await;
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "bad_credentials");
    }
    assert_eq!(server.store.counts().await.unwrap().devices, 0);
}

async fn login_registers_the_device_and_its_token_opens_the_sync_endpoints<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let res = server.get("/v1/devices", Some(&a.token)).await;
    assert_eq!(res.status(), 200);
    let devices: Vec<DeviceInfo> = res.json().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!((devices[0].id, devices[0].name.as_str(), devices[0].revoked), (a.device, "laptop", false));
    let res = server.post("/v1/push", Some(&a.token), &PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 2) }).await;
    assert_eq!(res.status(), 200);
    // Logging in again replaces the token: the old one stops working.
    let again = server.login("ana@example.com", a.device).await;
    assert_ne!(again.token, a.token);
    assert_eq!(server.get("/v1/devices", Some(&a.token)).await.status(), 401);
    assert_eq!(server.get("/v1/devices", Some(&again.token)).await.status(), 200);
    assert_eq!(server.store.counts().await.unwrap().devices, 1);
}

async fn a_device_id_of_another_user_cannot_log_in<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    server.signup("bob@example.com").await;
    let req = LoginRequest { email: "bob@example.com".into(), password: "correct horse battery".into(), device: a.device, device_name: "x".into() };
    let res = server.post("/v1/login", None, &req).await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "forbidden");
    // Ana's device keeps working.
    assert_eq!(server.get("/v1/devices", Some(&a.token)).await.status(), 200);
}

async fn a_revoked_device_is_refused_everywhere_until_it_signs_in_again<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let phone = server.login("ana@example.com", Uuid::now_v7()).await;
    let res = server.delete(&format!("/v1/devices/{}", a.device), Some(&phone.token)).await;
    assert_eq!(res.status(), 204);
    let ops_before = server.store.counts().await.unwrap();
    let push = PushRequest { device: a.device, ops: ops(a.space, a.device, 1, 1) };
    let pull = PullRequest { space: a.space, cursor: Default::default(), limit: None };
    let answers = [
        server.post("/v1/push", Some(&a.token), &push).await,
        server.post("/v1/pull", Some(&a.token), &pull).await,
        server.get(&format!("/v1/snapshot?space={}", a.space), Some(&a.token)).await,
        server.get("/v1/events", Some(&a.token)).await,
        server.get("/v1/spaces", Some(&a.token)).await,
    ];
    for res in answers {
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "device_revoked");
    }
    assert_eq!(server.store.counts().await.unwrap(), ops_before);
    let devices: Vec<DeviceInfo> = server.get("/v1/devices", Some(&phone.token)).await.json().await.unwrap();
    assert!(devices.iter().any(|d| d.id == a.device && d.revoked));
    // Signing in again with the password brings the device back, with a new token.
    let back = server.login("ana@example.com", a.device).await;
    assert_eq!(server.post("/v1/push", Some(&back.token), &push).await.status(), 200);
}

async fn a_user_revokes_only_their_own_devices<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let b = server.device("bob@example.com", Uuid::now_v7()).await;
    let res = server.delete(&format!("/v1/devices/{}", a.device), Some(&b.token)).await;
    assert_eq!(res.status(), 404);
    let res = server.delete("/v1/devices/not-a-uuid", Some(&b.token)).await;
    assert_eq!(res.status(), 400);
    assert_eq!(server.get("/v1/devices", Some(&a.token)).await.status(), 200);
}

async fn spaces_are_created_idempotently_and_someone_elses_id_is_refused<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let b = server.device("bob@example.com", Uuid::now_v7()).await;
    let again = SpaceRequest { id: a.space, name: "Book".into(), kind: SpaceKind::Private };
    let res = server.post("/v1/spaces", Some(&a.token), &again).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<SpaceInfo>().await.unwrap().owner, a.user);
    let res = server.post("/v1/spaces", Some(&b.token), &again).await;
    assert_eq!(res.status(), 403);
    let res = server.post_raw("/v1/spaces", Some(&a.token), r#"{"id": "x", "name": "n", "kind": "private"}"#).await;
    assert_eq!((res.status().as_u16(), res.json::<ErrorBody>().await.unwrap().field.as_deref()), (400, Some("id")));
    let res = server.post_raw("/v1/spaces", Some(&a.token), format!(r#"{{"id": "{}", "name": "n", "kind": "public"}}"#, Uuid::now_v7())).await;
    assert_eq!((res.status().as_u16(), res.json::<ErrorBody>().await.unwrap().field.as_deref()), (400, Some("kind")));
    let spaces: Vec<SpaceInfo> = server.get("/v1/spaces", Some(&a.token)).await.json().await.unwrap();
    assert_eq!(spaces.iter().map(|s| s.id).collect::<Vec<_>>(), [a.space]);
    assert_eq!(server.store.counts().await.unwrap().spaces, 2);
}

async fn a_team_space_is_shared_with_members_the_owner_adds_and_removes<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let ae = server.device("ae@example.com", Uuid::now_v7()).await;
    let am = server.device("am@example.com", Uuid::now_v7()).await;
    let team = Uuid::now_v7();
    let res = server.post("/v1/spaces", Some(&ae.token), &SpaceRequest { id: team, name: "Acme handover".into(), kind: SpaceKind::Team }).await;
    assert_eq!(res.status(), 200);
    // Before being added, the account manager may not push there.
    let push = PushRequest { device: am.device, ops: ops(team, am.device, 1, 1) };
    assert_eq!(server.post("/v1/push", Some(&am.token), &push).await.status(), 403);
    // Only the owner adds members; a private space has none.
    let member = MemberRequest { email: "AM@example.com".into() };
    assert_eq!(server.post(&format!("/v1/spaces/{team}/members"), Some(&am.token), &member).await.status(), 403);
    assert_eq!(server.post(&format!("/v1/spaces/{}/members", ae.space), Some(&ae.token), &member).await.status(), 400);
    let nobody = MemberRequest { email: "nobody@example.com".into() };
    assert_eq!(server.post(&format!("/v1/spaces/{team}/members"), Some(&ae.token), &nobody).await.status(), 404);
    assert_eq!(server.post(&format!("/v1/spaces/{team}/members"), Some(&ae.token), &member).await.status(), 200);
    let spaces: Vec<SpaceInfo> = server.get("/v1/spaces", Some(&am.token)).await.json().await.unwrap();
    assert!(spaces.iter().any(|s| s.id == team && s.kind == SpaceKind::Team && s.owner == ae.user));
    assert_eq!(server.post("/v1/push", Some(&am.token), &push).await.status(), 200);
    let pull = PullRequest { space: team, cursor: Default::default(), limit: None };
    let res = server.post("/v1/pull", Some(&ae.token), &pull).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<rapport_core::sync::protocol::PullResponse>().await.unwrap().ops.len(), 1);
    // Removed, the member loses access.
    assert_eq!(server.delete(&format!("/v1/spaces/{team}/members/{}", am.user), Some(&ae.token)).await.status(), 204);
    assert_eq!(server.post("/v1/pull", Some(&am.token), &pull).await.status(), 403);
    assert_eq!(server.delete(&format!("/v1/spaces/{team}/members/{}", am.user), Some(&ae.token)).await.status(), 404);
}

async fn every_sync_endpoint_needs_a_token<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let space = Uuid::now_v7();
    for token in [None, Some("not-a-token")] {
        let answers = [
            server.post_raw("/v1/push", token, "{}").await,
            server.post_raw("/v1/pull", token, "{}").await,
            server.post_raw("/v1/sync", token, "{}").await,
            server.get(&format!("/v1/pull?space={space}"), token).await,
            server.get(&format!("/v1/snapshot?space={space}"), token).await,
            server.get("/v1/events", token).await,
            server.get("/v1/devices", token).await,
            server.get("/v1/spaces", token).await,
        ];
        for res in answers {
            assert_eq!(res.status(), 401, "{}", res.url());
            assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "unauthorized");
        }
    }
}
