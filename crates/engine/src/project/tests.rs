//! Project files: what is saved comes back, older formats load, and a file that cannot be
//! used is kept aside, never overwritten.

use super::store::load_or_keep_aside;
use super::*;
use crate::analysis::audio_features::AudioCurves;
use crate::analysis::scenes::{Cut, CutKind};
use crate::export::ExportOptions;
use proptest::prelude::*;

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slop-project-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn clip() -> Clip {
    Clip {
        start: 1.0,
        end: 16.0,
        score: 90.0,
        reasons: vec!["loud".into()],
        features: Default::default(),
        filler: false,
    }
}

/// A project with every part filled in.
fn full_project(video: &Path) -> Project {
    let mut seg = Segment::found(7, &clip());
    seg.label = "the good bit".into();
    seg.chosen = false;
    seg.edited = true;
    let own = Segment {
        id: 8,
        start: 20.125,
        end: 31.0 / 3.0 + 20.0,
        own: true,
        chosen: true,
        ..Segment::default()
    };
    let mut p = Project::new(video, vec![seg, own]);
    p.pass = Some(Pass::Full);
    p.scenes = vec![Scene {
        time: 2.5,
        frame: 75,
        kind: CutKind::Hard,
    }];
    p.transcript = Some(Arc::new(crate::speech::Transcript::default()));
    p.curves = Some(Arc::new(Curves {
        step: 0.5,
        loudness: vec![-20.0, -12.5],
        motion: vec![0.1, 0.2],
        score: vec![0.3, 0.9],
    }));
    p.features = Some(Arc::new(Features {
        duration_secs: 40.0,
        step: 0.5,
        audio: Some(AudioCurves {
            step: 0.5,
            loudness_db: vec![-20.0, -12.5],
            flux: vec![1.0, 2.0],
            centroid_hz: vec![800.0, 1200.0],
            zcr: vec![0.1, 0.2],
            silences: vec![(3.0, 4.5)],
        }),
        motion: Some(vec![0.1, 0.2]),
        cuts: vec![Cut {
            frame: 75,
            time: 2.5,
            kind: CutKind::Hard,
            strength: 0.0,
            prev_idx: 0,
            prev_secs: 0.0,
        }],
        approximate_cuts: false,
        frameless: vec![(30.0, 32.5)],
    }));
    p.export = ExportSettings {
        portrait: Some(crate::export::Portrait::Blur),
        loudnorm: true,
        captions: true,
        title: true,
        background: Some(PathBuf::from("/videos/gameplay.mp4")),
        out_dir: Some(PathBuf::from("/videos/shorts")),
        template: "{label}-{num}.mp4".into(),
        reencode: true,
        caption_style: crate::captions::CaptionStyle::preset("boxed").expect("preset"),
        caption_style_name: "boxed".into(),
    };
    p.stamp_video();
    p
}

#[test]
fn everything_saved_comes_back_and_a_changed_video_keeps_the_old_project_aside() {
    let dir = folder("roundtrip");
    let video = dir.join("talk.mp4");
    std::fs::write(&video, b"not really a video").expect("write");
    let p = full_project(&video);
    let saved = p.save(&dir).expect("save");
    assert!(saved.starts_with(dir.join("projects")));
    assert_eq!(Project::load(&dir, &video).expect("load"), Some(p.clone()));
    assert_eq!(Project::read(&saved).expect("read"), p);
    // A relative path is kept absolute: the project works from any folder.
    let rel = Project::new(Path::new("videos/talk.mp4"), vec![]);
    assert!(rel.video.is_absolute() && rel.video.ends_with("videos/talk.mp4"));

    std::fs::write(&video, b"a different video now").expect("write");
    let e = Project::load(&dir, &video).expect_err("changed video");
    let ProjectError::KeptAside { kept, .. } = &e else {
        panic!("not kept aside: {e}")
    };
    assert!(e
        .to_string()
        .contains("the video changed since it was saved"));
    assert_eq!(kept.extension().and_then(|e| e.to_str()), Some("old"));
    assert_eq!(Project::read(kept).expect("kept aside whole"), p);
    assert_eq!(
        Project::load(&dir, &video).expect("nothing there now"),
        None
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn older_formats_load() {
    let dir = folder("v1");
    let video = dir.join("talk.mp4");
    std::fs::write(&video, b"v").expect("write");
    let (size, mtime) = store::file_stamp(&video);
    // Version 1: found clips only, all ticked.
    let v1 = serde_json::json!({
        "version": 1, "video": video, "video_size": size,
        "video_mtime_secs": mtime, "clips": [clip()], "scenes": [],
    });
    let path = project_path(&dir, &video);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(&path, v1.to_string()).expect("write v1");
    let old = Project::load(&dir, &video).expect("load").expect("v1");
    assert_eq!(old.segments, vec![Segment::found(1, &clip())]);
    assert!(old.segments[0].chosen && !old.segments[0].edited);
    // Version 2: segments, no export settings.
    let v2 = serde_json::json!({
        "version": 2, "video": video, "video_size": size, "video_mtime_secs": mtime,
        "segments": [{"id": 3, "start": 1.0, "end": 2.0, "label": "x", "chosen": true}],
    });
    std::fs::write(&path, v2.to_string()).expect("write v2");
    let two = Project::load(&dir, &video).expect("load").expect("v2");
    assert_eq!(two.segments[0].label, "x");
    assert_eq!(two.export, ExportSettings::default());
    assert_eq!(two.version, VERSION);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_broken_or_newer_project_is_kept_aside_and_never_overwritten() {
    let dir = folder("bad");
    let video = dir.join("talk.mp4");
    std::fs::write(&video, b"v").expect("write");
    let path = project_path(&dir, &video);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    let cases: [(&[u8], &str); 4] = [
        (b"{ broken", "not a project"),
        (
            br#"{"version": 99, "segments": []}"#,
            "made by a newer slopcannon: format 99",
        ),
        (b"\xff\xfe not text", "not UTF-8 text"),
        (
            br#"{"version": 3, "segments": [{"start": 5, "end": 2}]}"#,
            "segment 1 ends before it starts",
        ),
    ];
    for (i, (bytes, why)) in cases.iter().enumerate() {
        std::fs::write(&path, bytes).expect("write");
        let e = Project::load(&dir, &video).expect_err("unusable");
        assert!(e.to_string().contains(why), "{e}");
        let ProjectError::KeptAside { kept, .. } = e else {
            panic!("not kept aside")
        };
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let want = if i == 0 {
            format!("{name}.bad")
        } else {
            format!("{name}.{}.bad", i + 1)
        };
        assert_eq!(kept, path.with_file_name(want));
        assert_eq!(
            std::fs::read(&kept).expect("kept"),
            *bytes,
            "kept as it was"
        );
        assert!(!path.exists());
        // The next save starts a new file and leaves the kept one alone.
        Project::new(&video, vec![]).save(&dir).expect("save");
        assert_eq!(std::fs::read(&kept).expect("kept"), *bytes);
    }
    // A file the person names is reported, not renamed.
    std::fs::write(&path, b"{ broken").expect("write");
    let e = Project::read(&path).expect_err("broken");
    assert!(
        e.to_string()
            .starts_with("cannot read the project (not a project:"),
        "{e}"
    );
    assert!(path.exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn export_settings_become_export_options() {
    let video = Path::new("/videos/talk.mp4");
    let transcript = Some(Arc::new(crate::speech::Transcript::default()));
    let s = full_project(video).export;
    let base = ExportOptions::default();
    let o = s.options(video, transcript.clone(), base.clone());
    assert_eq!(o.out_dir, PathBuf::from("/videos/shorts"));
    assert_eq!(o.template, "{label}-{num}.mp4");
    assert_eq!(o.mode, crate::export::CutMode::Reencode);
    assert!(o.loudnorm && o.captions.is_some() && o.stacked.is_some());
    assert_eq!(o.caption_style, s.caption_style);
    assert_eq!(o.crf, base.crf);
    let plain = ExportSettings::default().options(video, transcript, base.clone());
    assert_eq!(plain.out_dir, PathBuf::from("/videos/slopcannon-clips"));
    assert_eq!(plain.template, base.template);
    assert!(plain.captions.is_none(), "no captions unless asked for");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes in a project file: an error or a project, never a panic; and what is kept
    /// aside is those bytes.
    #[test]
    fn any_bytes_are_a_project_or_kept_aside(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let dir = folder("fuzz");
        let path = dir.join("p.json");
        std::fs::write(&path, &bytes).expect("write");
        match load_or_keep_aside(&path, None) {
            Ok(p) => prop_assert!(p.is_some()),
            Err(ProjectError::KeptAside { kept, .. }) => {
                prop_assert_eq!(std::fs::read(kept).expect("kept"), bytes);
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Segments with any text and times survive a save and a load exactly.
    #[test]
    fn segments_round_trip(
        segs in prop::collection::vec(
            (0.0f64..1e6, 1e-6f64..1e4, ".{0,20}", any::<bool>(), any::<u64>()), 0..8),
        template in ".{0,30}",
    ) {
        let dir = folder("segs");
        let segments = segs.iter().map(|(start, len, label, chosen, id)| Segment {
            id: *id, start: *start, end: start + len, label: label.clone(),
            chosen: *chosen, ..Segment::default()
        }).collect();
        let mut p = Project::new(&dir.join("v.mp4"), segments);
        p.export.template = template;
        let path = dir.join("p.json");
        p.write(&path).expect("write");
        prop_assert_eq!(Project::read(&path).expect("read"), p);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_new_analysis_keeps_the_corrected_transcript_unless_another_model_made_the_new_one() {
    let transcript = |model: &str, word: &str| Transcript {
        model: model.into(),
        segments: vec![crate::speech::Segment {
            start: 1.0,
            end: 2.0,
            text: word.into(),
            words: vec![crate::speech::Word {
                start: 1.0,
                end: 2.0,
                word: word.into(),
            }],
        }],
        ..Transcript::default()
    };
    let corrected = Arc::new(transcript("tiny.en", "Slopcannon"));
    let text = |t: Option<Arc<Transcript>>| t.map(|t| t.segments[0].text.clone());
    // The same model heard it again: the person's correction stays.
    let kept = merge_transcript(Some(&corrected), Some(transcript("tiny.en", "slop cannon")));
    assert_eq!(text(kept).as_deref(), Some("Slopcannon"));
    // A run without speech does not throw the transcript away.
    assert_eq!(
        text(merge_transcript(Some(&corrected), None)).as_deref(),
        Some("Slopcannon")
    );
    // Another model was asked for: its transcript.
    let other = merge_transcript(Some(&corrected), Some(transcript("base.en", "Slop cannon")));
    assert_eq!(text(other).as_deref(), Some("Slop cannon"));
    assert_eq!(
        text(merge_transcript(None, Some(transcript("tiny.en", "x")))).as_deref(),
        Some("x")
    );
    assert_eq!(merge_transcript(None, None), None);
}

/// A project file edited by hand (no `edited` flag): a label, or a tick other than the
/// analysis left, is the person's, and a new ranking keeps it; untouched found clips go.
#[test]
fn a_new_ranking_keeps_segments_labelled_or_reticked_by_hand() {
    let found = |id, start: f64, filler| {
        Segment::found(
            id,
            &Clip {
                start,
                end: start + 10.0,
                filler,
                ..clip()
            },
        )
    };
    let mut labelled = found(1, 0.0, false);
    labelled.label = "the intro".into();
    let mut unticked = found(2, 20.0, false);
    unticked.chosen = false;
    let mut ticked_filler = found(3, 40.0, true);
    ticked_filler.chosen = true;
    let untouched = found(4, 60.0, false);
    let untouched_filler = found(5, 80.0, true);
    let old = [
        labelled,
        unticked,
        ticked_filler,
        untouched,
        untouched_filler,
    ];
    let new = [Clip {
        start: 100.0,
        end: 110.0,
        ..clip()
    }];
    let mut next = 10;
    let (merged, kept) = merge_ranking(&old, &new, || {
        next += 1;
        next
    });
    assert_eq!(kept, 3);
    let ids: Vec<u64> = merged.iter().map(|s| s.id).collect();
    assert_eq!(ids, [1, 2, 3, 11]);
    assert_eq!(merged[0].label, "the intro");
    assert!(!merged[1].chosen && merged[2].chosen);
    assert!(
        merged[..3].iter().all(|s| s.edited),
        "marked edited from now on"
    );
}
