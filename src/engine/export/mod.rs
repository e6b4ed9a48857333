//! Export: the parallel, retrying queue that writes clips (smart cut, re-encode, 9:16 portrait,
//! stacked, burned subtitles), each written to a temporary file and renamed when complete.
