#!/usr/bin/env python3
"""Makes the noisy talk: speech under noise with its words known by construction.

A talk alternates calm stretches (one voice, normal pace, a quiet room: pink noise and soft
music at +12 dB speech-to-noise) with excited ones (the same talker shouting, faster and higher,
under a cheering crowd: babble of six other voices saying other words, plus band-limited noise
that swells and fades, at +3 to 0 dB). espeak-ng speaks, the Python standard library mixes
(16 kHz mono, 16-bit), so the same bytes come out on every machine.

Usage: make-noisy-talk.py OUT_DIR [MINUTES]
Writes OUT_DIR/talk.wav, OUT_DIR/talk.txt (every spoken word in order) and
OUT_DIR/stretches.json and .tsv (start, end, kind and text of each stretch, in seconds).
The tests (crates/engine/tests/speech.rs) and scripts/bench-speech.sh both call it.
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import wave
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  deprecated in 3.11 but on Debian 12; C speed for RMS and mixing

RATE = 16000
WIDTH = 2

CALM = [
    "Welcome back everyone, today we are talking about how small teams build great products.",
    "The first thing I learned is that you should listen to your customers before you write any code.",
    "Most of the ideas we had in the beginning were wrong, and that was perfectly fine.",
    "We spent a whole summer rewriting the storage layer because the old one kept losing data.",
    "My advice is simple: ship something small, watch how people use it, and then improve it.",
    "A good meeting has a clear goal, a short agenda, and somebody who writes down the decisions.",
    "When the team grew, we moved from one big room to three smaller offices across the street.",
    "Hiring was the hardest part, because every new person changes the culture a little.",
    "We measure everything now, the load time of every page and the time it takes to answer email.",
    "The best feedback came from a teacher who used our app with her students every morning.",
    "Nobody reads the manual, so the interface has to explain itself on the very first screen.",
    "Last winter the servers went down for six hours, and we learned more that night than in a year.",
]
EXCITED = [
    "And then it happened, the whole system came back online and everyone started cheering!",
    "This is the moment we were waiting for, the biggest launch in the history of the company!",
    "Look at these numbers, they doubled in one week, nobody believed it could happen!",
    "I jumped out of my chair and shouted, we did it, we actually did it!",
    "The crowd went wild when the demo worked on the first try in front of everybody!",
    "That was the best day of my life, I will never forget the sound of that room!",
]
BABBLE = [
    "Where did you park the car, I think it was near the old bakery on the corner.",
    "Can you pass me the water, it is really hot in here tonight.",
    "My brother is flying in from the coast on Friday with his two kids.",
    "I told him the tickets were sold out weeks ago but he never listens.",
    "Have you tried the new noodle place, the one with the green door?",
    "We should leave before the traffic gets bad on the bridge again.",
]


def espeak(text, out, speed, pitch, amp, voice="en-us"):
    """espeak-ng speech as 16 kHz mono 16-bit PCM bytes."""
    raw = out + ".raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-a", str(amp),
                    "-w", raw, text], check=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", raw,
                    "-ar", str(RATE), "-ac", "1", "-c:a", "pcm_s16le", out], check=True)
    with wave.open(out) as w:
        return w.readframes(w.getnframes())


def ffmpeg_source(lavfi, secs, out):
    """A lavfi audio source rendered as 16 kHz mono PCM bytes."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", lavfi,
                    "-t", f"{secs:.3f}", "-ar", str(RATE), "-ac", "1", "-c:a", "pcm_s16le", out],
                   check=True)
    with wave.open(out) as w:
        return w.readframes(w.getnframes())


def at_rms(pcm, dbfs):
    """`pcm` scaled to an RMS of `dbfs`."""
    rms = audioop.rms(pcm, WIDTH) or 1
    target = 32768 * 10 ** (dbfs / 20)
    return audioop.mul(pcm, WIDTH, target / rms)


def loop_to(pcm, n_bytes):
    if not pcm:
        return b"\0" * n_bytes
    return (pcm * (n_bytes // len(pcm) + 1))[:n_bytes]


def envelope(pcm, start, end, fade):
    """`pcm` silent outside [start, end) samples, with linear fades of `fade` samples."""
    out = bytearray(len(pcm))
    step = RATE // 50  # 20 ms blocks: smooth enough, fast in Python
    for b in range(0, len(pcm) // WIDTH, step):
        s = b
        if s + step < start - fade or s >= end + fade:
            continue
        if s < start:
            g = 1 - (start - s) / fade
        elif s >= end:
            g = 1 - (s - end) / fade
        else:
            g = 1.0
        g = max(0.0, min(1.0, g))
        chunk = pcm[s * WIDTH:(s + step) * WIDTH]
        out[s * WIDTH:s * WIDTH + len(chunk)] = audioop.mul(chunk, WIDTH, g)
    return bytes(out)


def add_at(bed, pcm, at_sample):
    """`pcm` added into `bed` (a bytearray) from `at_sample`."""
    a = at_sample * WIDTH
    part = bytes(bed[a:a + len(pcm)])
    pcm = pcm[:len(part)]
    bed[a:a + len(pcm)] = audioop.add(part, pcm, WIDTH)


def main():
    out_dir = sys.argv[1]
    minutes = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(7)
    tmp = tempfile.mkdtemp(prefix="noisy-talk-")

    # The talk: calm, calm, excited, calm, excited, ... until the length is reached.
    pieces, t, n, ci, ei = [], 1.0, 0, 0, 0
    while t < minutes * 60 - 5:
        excited = n % 3 == 2
        if excited:
            text = " ".join(EXCITED[(ei + k) % len(EXCITED)] for k in range(2))
            ei += 2
            pcm = espeak(text, f"{tmp}/s{n}.wav", 195, 80, 200)
            pcm = at_rms(pcm, -14)
        else:
            text = " ".join(CALM[(ci + k) % len(CALM)] for k in range(2))
            ci += 2
            pcm = espeak(text, f"{tmp}/s{n}.wav", 160, 45, 100)
            pcm = at_rms(pcm, -22)
        secs = len(pcm) / WIDTH / RATE
        pieces.append({"start": t, "end": t + secs, "kind": "excited" if excited else "calm",
                       "text": text, "pcm": pcm})
        t += secs + rng.uniform(0.6, 1.4)
        n += 1
    total = int((t + 1.0) * RATE)
    n_bytes = total * WIDTH

    # The room: pink noise all along (+12 dB under calm speech), soft music under calm stretches.
    bed = bytearray(loop_to(at_rms(ffmpeg_source("anoisesrc=color=pink:seed=11:amplitude=0.5",
                                                 total / RATE, f"{tmp}/pink.wav"), -34), n_bytes))
    music = loop_to(at_rms(ffmpeg_source(
        "aevalsrc=0.3*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*0.5*t))+0.2*sin(2*PI*277.2*t)"
        "+0.2*sin(2*PI*329.6*t):s=16000", total / RATE, f"{tmp}/music.wav"), -34), n_bytes)
    # The crowd: six babbling voices and a swelling band of noise, only around excited stretches.
    voices = []
    for k, line in enumerate(BABBLE):
        v = espeak(" ".join(BABBLE[k:] + BABBLE[:k]), f"{tmp}/b{k}.wav",
                   140 + 15 * k, 20 + 12 * k, 100, ["en-us", "en-gb", "en-029"][k % 3])
        voices.append(loop_to(audioop.mul(v, WIDTH, 0.5), n_bytes))
    babble = voices[0]
    for v in voices[1:]:
        babble = audioop.add(babble, v, WIDTH)
    cheer = ffmpeg_source("anoisesrc=color=white:seed=5:amplitude=0.5,bandpass=f=1500:w=1200,"
                          "tremolo=f=3:d=0.6", total / RATE, f"{tmp}/cheer.wav")
    cheer = loop_to(cheer, n_bytes)
    crowd = audioop.add(at_rms(babble, -20), at_rms(cheer, -20), WIDTH)
    crowd_mix = bytearray(n_bytes)
    for i, p in enumerate(pieces):
        s, e = int(p["start"] * RATE), int(p["end"] * RATE)
        if p["kind"] == "excited":
            snr = [6.0, 3.0][(i // 3) % 2]
            add_at(crowd_mix, envelope(at_rms(crowd, -14 - snr), s, e, RATE), 0)
        else:
            add_at(bed, envelope(music, s, e, RATE // 2), 0)
        add_at(bed, p["pcm"], s)
    mixed = audioop.add(bytes(bed), bytes(crowd_mix), WIDTH)

    with wave.open(f"{out_dir}/talk.wav.part", "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(WIDTH)
        w.setframerate(RATE)
        w.writeframes(mixed)
    with open(f"{out_dir}/talk.txt", "w") as f:
        f.write(" ".join(p["text"] for p in pieces) + "\n")
    with open(f"{out_dir}/stretches.json", "w") as f:
        json.dump([{k: v for k, v in p.items() if k != "pcm"} for p in pieces], f, indent=1)
    with open(f"{out_dir}/stretches.tsv", "w") as f:
        for p in pieces:
            f.write(f"{p['start']:.3f}\t{p['end']:.3f}\t{p['kind']}\t{p['text']}\n")
    os.replace(f"{out_dir}/talk.wav.part", f"{out_dir}/talk.wav")
    for name in os.listdir(tmp):
        os.remove(os.path.join(tmp, name))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
