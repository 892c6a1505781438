//! Explanations in Dutch Sign Language (issue 12, "Signers and kiosk visitors first"): a
//! site names NGT videos with captions in `[sign_language]`; the pages show them and the
//! files are served from the data folder with range requests and the right type. Where none
//! is configured, nothing pretends to be there.

use crate::common::*;
use loket::config::SignVideo;

#[tokio::test]
async fn configured_videos_are_shown_and_served_with_ranges() {
    let server = Server::start_with(|c| {
        c.sign_language.start = Some(SignVideo {
            video: "ngt/start.webm".into(),
            captions: "ngt/start.vtt".into(),
        });
    })
    .await;
    let folder = server.dir.path().join("ngt");
    std::fs::create_dir_all(&folder).unwrap();
    let video: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(folder.join("start.webm"), &video).unwrap();
    std::fs::write(
        folder.join("start.vtt"),
        "WEBVTT\n\n00:00.000 --> 00:02.000\nWelkom bij de gebarentolk.\n",
    )
    .unwrap();

    // The interpreter's start page shows the video with its captions track.
    let page = server.browser().get("/video/start?met=tolk").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("src=\"/ngt/start/video\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<track kind=\"captions\" src=\"/ngt/start/captions\"")
    );
    // The employee's video page is not the sign-language channel: no NGT video there.
    let other = server.browser().get("/video/start?met=medewerker").await;
    assert!(!other.body.contains("/ngt/"));

    // A range request gets exactly that part, with the video's type.
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{}/ngt/start/video", server.base))
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(r.headers()["content-type"], "video/webm");
    assert_eq!(r.headers()["content-range"], "bytes 100-199/4096");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &video[100..200]);
    let r = client
        .get(format!("{}/ngt/start/captions", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vtt")
    );

    // Pages and files that are not configured do not exist.
    for path in [
        "/ngt/waiting/video",
        "/ngt/kiosk/captions",
        "/ngt/start/loket.db",
        "/ngt/..%2Floket.db/video",
    ] {
        let r = client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
}

#[tokio::test]
async fn without_configuration_no_video_is_shown() {
    let server = Server::start().await;
    let page = server.browser().get("/video/start?met=tolk").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<video controls"));
    assert!(!page.body.contains("/ngt/"));
    // The steps with pictograms are there all the same, in short sentences.
    assert!(page.body.contains("Een tolk gebaart met u."));
    let r = reqwest::get(format!("{}/ngt/start/video", server.base))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}
