//! Analysis ("Find Viral Clips"): one decode of the video fanned out to scene and motion
//! detection, audio features in parallel, then scoring and selection of clips.
