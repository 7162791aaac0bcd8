//! Scoring profiles: what kind of moment a highlight is, as weights over the signals.
//!
//! `Highlight.Content` names the profile. The weights multiply normalised signals (each roughly
//! "standard deviations above this source's typical level", clamped), so they say how much each kind of
//! evidence counts relative to the others.

use serde::Serialize;

/// Which moments count as highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Profile {
    /// Short dramas (the default): confrontations, shouting, impacts, music stings, rapid cutting,
    /// sudden zooms, flashes and the quiet beat before a reveal.
    #[default]
    Drama,
    /// Pets: motion bursts (jumps, runs), high-pitched sounds (barks, meows), impacts; speech counts
    /// little.
    Pet,
    /// People: faces cannot be found without a model, so speech activity, close-up stillness while
    /// talking, lively voice pitch and raised voices stand in.
    Person,
    /// Sports: motion, cut rate (replays, multi-camera), crowd loudness and its jumps, zooms.
    Sports,
    /// Meetings: speech activity and voice pitch changes (engaged, animated talk), loudness jumps
    /// (laughter, applause); motion and cuts count little.
    Meeting,
}

/// Weights over the normalised signals; see `score` for how each signal is measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Loudness above the source's median.
    pub loudness: f64,
    /// Loudness jump against the preceding seconds.
    pub loud_jump: f64,
    /// Strong onsets with a level rise (slaps, hits, doors).
    pub impact: f64,
    /// Raised voice: voiced, high pitch and bright spectrum, loud.
    pub shout: f64,
    /// Voice pitch variation (animated speech).
    pub pitch_var: f64,
    /// Share of time with speech.
    pub speech: f64,
    /// Sudden arrival of loud tonal music.
    pub music_sting: f64,
    /// Shot cuts per second around the moment.
    pub cut_rate: f64,
    /// Picture motion above the source's median.
    pub motion: f64,
    /// Motion rising sharply against the preceding second (bursts).
    pub motion_burst: f64,
    /// Flash frames.
    pub flash: f64,
    /// Fast zoom in or out.
    pub zoom: f64,
    /// Still picture while someone speaks (close-up talking head).
    pub stillness: f64,
    /// High-pitched or very bright sound (barks, squeaks, whistles).
    pub high_pitch: f64,
    /// A silence just before a loud jump or cut.
    pub quiet_beat: f64,
    /// Colourfulness above the source's median.
    pub colour: f64,
}

impl Profile {
    /// Profile named by `Highlight.Content`: `Pet`, `Person`, `Sports`, `Meeting` (case-insensitive,
    /// surrounding spaces ignored). Anything else, including free text, gives [`Profile::Drama`] and a
    /// note saying so; an absent or empty value gives Drama silently.
    pub fn from_content(content: Option<&str>) -> (Profile, Option<String>) {
        let Some(raw) = content else {
            return (Profile::Drama, None);
        };
        let s = raw.trim();
        match s.to_ascii_lowercase().as_str() {
            "" => (Profile::Drama, None),
            "pet" => (Profile::Pet, None),
            "person" => (Profile::Person, None),
            "sports" => (Profile::Sports, None),
            "meeting" => (Profile::Meeting, None),
            "drama" => (Profile::Drama, None),
            _ => (
                Profile::Drama,
                Some(format!(
                    "Highlight.Content '{s}' is not a known profile (Pet, Person, Sports, Meeting); \
                     used the default (drama) profile"
                )),
            ),
        }
    }

    /// Lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Drama => "drama",
            Profile::Pet => "pet",
            Profile::Person => "person",
            Profile::Sports => "sports",
            Profile::Meeting => "meeting",
        }
    }

    /// The profile's signal weights.
    pub fn weights(self) -> Weights {
        let zero = Weights {
            loudness: 0.0,
            loud_jump: 0.0,
            impact: 0.0,
            shout: 0.0,
            pitch_var: 0.0,
            speech: 0.0,
            music_sting: 0.0,
            cut_rate: 0.0,
            motion: 0.0,
            motion_burst: 0.0,
            flash: 0.0,
            zoom: 0.0,
            stillness: 0.0,
            high_pitch: 0.0,
            quiet_beat: 0.0,
            colour: 0.0,
        };
        match self {
            // Climaxes are loud, fast-cut and visually violent; calm dialogue (one voice, static
            // shots) must score low, so plain speech and stillness get nothing.
            Profile::Drama => Weights {
                loudness: 0.7,
                loud_jump: 1.0,
                impact: 0.7,
                shout: 1.0,
                pitch_var: 0.2,
                music_sting: 0.7,
                cut_rate: 1.0,
                motion: 0.4,
                motion_burst: 0.3,
                flash: 0.8,
                zoom: 0.7,
                quiet_beat: 0.5,
                colour: 0.1,
                ..zero
            },
            Profile::Pet => Weights {
                loudness: 0.3,
                loud_jump: 0.6,
                impact: 0.5,
                motion: 0.6,
                motion_burst: 1.0,
                high_pitch: 1.0,
                zoom: 0.3,
                cut_rate: 0.2,
                colour: 0.2,
                ..zero
            },
            Profile::Person => Weights {
                loudness: 0.3,
                loud_jump: 0.3,
                shout: 0.5,
                pitch_var: 0.6,
                speech: 0.8,
                stillness: 0.8,
                zoom: 0.3,
                motion: 0.1,
                cut_rate: 0.2,
                ..zero
            },
            Profile::Sports => Weights {
                loudness: 1.0,
                loud_jump: 0.8,
                impact: 0.4,
                motion: 1.0,
                motion_burst: 0.6,
                cut_rate: 0.7,
                zoom: 0.5,
                flash: 0.3,
                shout: 0.3,
                ..zero
            },
            Profile::Meeting => Weights {
                speech: 1.0,
                pitch_var: 1.0,
                loudness: 0.4,
                loud_jump: 0.5,
                shout: 0.5,
                motion: 0.1,
                cut_rate: 0.2,
                ..zero
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content() {
        assert_eq!(
            Profile::from_content(Some(" sports ")),
            (Profile::Sports, None)
        );
        assert_eq!(Profile::from_content(Some("PET")).0, Profile::Pet);
        assert_eq!(Profile::from_content(None), (Profile::Drama, None));
        let (p, note) = Profile::from_content(Some("cats on a sofa"));
        assert_eq!(p, Profile::Drama);
        assert!(
            note.is_some_and(|n| n.contains("'cats on a sofa'") && n.contains("default (drama)"))
        );
    }
}
