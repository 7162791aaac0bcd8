#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reelcut::fuzzing::audio_file(data));
