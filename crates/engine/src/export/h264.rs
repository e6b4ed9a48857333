//! H.264 bitstream helpers for the smart cut: read and extend an `avcC` record (the parameter
//! sets of an MP4 track), split Annex-B encoder output into NAL units and re-frame them with
//! length prefixes, read parameter-set ids, and tell reference pictures from disposable ones.

/// An `AVCDecoderConfigurationRecord` (ISO/IEC 14496-15), as found in MP4/MOV/MKV extradata.
#[derive(Clone, Debug, PartialEq)]
pub struct AvcConfig {
    pub profile: u8,
    pub compatibility: u8,
    pub level: u8,
    /// Bytes of each NAL unit's length prefix in the samples (1, 2 or 4).
    pub length_size: usize,
    pub sps: Vec<Vec<u8>>,
    pub pps: Vec<Vec<u8>>,
    /// Whatever follows the PPS list (the high-profile chroma/bit-depth fields), kept verbatim.
    pub trailer: Vec<u8>,
}

impl AvcConfig {
    /// Parses an `avcC` record; `None` for anything else (e.g. Annex-B extradata).
    pub fn parse(data: &[u8]) -> Option<AvcConfig> {
        if data.len() < 7 || data[0] != 1 {
            return None;
        }
        let length_size = usize::from(data[4] & 0x03) + 1;
        if length_size == 3 {
            return None;
        }
        let mut pos = 5;
        let read_sets = |count: usize, pos: &mut usize| -> Option<Vec<Vec<u8>>> {
            let mut sets = Vec::with_capacity(count);
            for _ in 0..count {
                let len = usize::from(u16::from_be_bytes([*data.get(*pos)?, *data.get(*pos + 1)?]));
                let set = data.get(*pos + 2..*pos + 2 + len)?.to_vec();
                *pos += 2 + len;
                sets.push(set);
            }
            Some(sets)
        };
        let n_sps = usize::from(data[pos] & 0x1f);
        pos += 1;
        let sps = read_sets(n_sps, &mut pos)?;
        let n_pps = usize::from(*data.get(pos)?);
        pos += 1;
        let pps = read_sets(n_pps, &mut pos)?;
        Some(AvcConfig {
            profile: data[1],
            compatibility: data[2],
            level: data[3],
            length_size,
            sps,
            pps,
            trailer: data[pos..].to_vec(),
        })
    }

    /// The record of an H.264 stream stored with one (MP4, MOV, Matroska); `None` for other
    /// codecs and for Annex-B streams.
    pub fn of_stream(params: &ffmpeg_next::codec::Parameters) -> Option<AvcConfig> {
        if params.id() != ffmpeg_next::codec::Id::H264 {
            return None;
        }
        // SAFETY: the parameters are alive for this call; extradata holds extradata_size bytes
        // when it is not null.
        let data = unsafe {
            let p = params.as_ptr();
            if (*p).extradata.is_null() || (*p).extradata_size <= 0 {
                return None;
            }
            std::slice::from_raw_parts((*p).extradata, (*p).extradata_size as usize)
        };
        AvcConfig::parse(data)
    }

    /// The record's bytes; `None` when it cannot say what it holds (more than 31 sequence
    /// or 255 picture parameter sets, a set longer than 65535 bytes, or a prefix size other
    /// than 1, 2 or 4).
    pub fn try_to_bytes(&self) -> Option<Vec<u8>> {
        let fits = |sets: &[Vec<u8>]| sets.iter().all(|s| s.len() <= usize::from(u16::MAX));
        if self.sps.len() > 31
            || self.pps.len() > 255
            || !fits(&self.sps)
            || !fits(&self.pps)
            || !matches!(self.length_size, 1 | 2 | 4)
        {
            return None;
        }
        Some(self.to_bytes_unchecked())
    }

    fn to_bytes_unchecked(&self) -> Vec<u8> {
        let mut out = vec![
            1,
            self.profile,
            self.compatibility,
            self.level,
            0xfc | (self.length_size as u8 - 1),
            0xe0 | (self.sps.len() as u8 & 0x1f),
        ];
        for s in &self.sps {
            out.extend_from_slice(&(s.len() as u16).to_be_bytes());
            out.extend_from_slice(s);
        }
        out.push(self.pps.len() as u8);
        for p in &self.pps {
            out.extend_from_slice(&(p.len() as u16).to_be_bytes());
            out.extend_from_slice(p);
        }
        out.extend_from_slice(&self.trailer);
        out
    }

    /// Ids of the sequence and picture parameter sets in the record.
    pub fn used_ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self.sps.iter().filter_map(|s| sps_id(s)).collect();
        ids.extend(
            self.pps
                .iter()
                .filter_map(|p| pps_ids(p).map(|(pps, _)| pps)),
        );
        ids
    }
}

/// NAL unit type (the low five bits of its first byte).
pub fn nal_type(nal: &[u8]) -> u8 {
    nal.first().map_or(0, |b| b & 0x1f)
}

/// Splits Annex-B data (start-code separated) into NAL units, without the start codes.
pub fn split_annexb(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push((i, i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut nals = Vec::with_capacity(starts.len());
    for (k, &(_, body)) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(data.len(), |&(sc, _)| sc);
        // A four-byte start code's leading zero, and trailing zeros, belong to no NAL unit.
        while end > body && data[end - 1] == 0 {
            end -= 1;
        }
        if end > body {
            nals.push(&data[body..end]);
        }
    }
    nals
}

/// Splits length-prefixed sample data into NAL units; `None` when the lengths do not add up.
pub fn split_length_prefixed(data: &[u8], length_size: usize) -> Option<Vec<&[u8]>> {
    if !(1..=8).contains(&length_size) {
        return None;
    }
    let mut nals = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let prefix = data.get(pos..pos.checked_add(length_size)?)?;
        let len = prefix
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let body = pos + length_size;
        let end = body.checked_add(usize::try_from(len).ok()?)?;
        nals.push(data.get(body..end)?);
        pos = end;
    }
    Some(nals)
}

/// Re-frames NAL units with `length_size`-byte big-endian length prefixes; `None` when a unit
/// is too long for its prefix (a 1- or 2-byte length cannot say it: the sample would be corrupt).
pub fn length_prefixed<'a>(
    nals: impl IntoIterator<Item = &'a [u8]>,
    length_size: usize,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for nal in nals {
        if length_size < 8 && nal.len() >> (8 * length_size) != 0 {
            return None;
        }
        let len = nal.len().to_be_bytes();
        out.extend_from_slice(len.get(len.len().checked_sub(length_size)?..)?);
        out.extend_from_slice(nal);
    }
    Some(out)
}

/// True when a length-prefixed sample holds a picture that no other picture references
/// (every slice has `nal_ref_idc` 0): it can be left out of a decode whose output is unused.
pub fn is_disposable(sample: &[u8], length_size: usize) -> bool {
    let Some(nals) = split_length_prefixed(sample, length_size) else {
        return false;
    };
    let mut slices = nals
        .iter()
        .filter(|n| matches!(nal_type(n), 1 | 5))
        .peekable();
    slices.peek().is_some() && slices.all(|n| n[0] & 0x60 == 0)
}

/// The `seq_parameter_set_id` of an SPS NAL unit (with its header byte).
pub fn sps_id(sps: &[u8]) -> Option<u32> {
    let rbsp = unescape(sps.get(4..)?);
    BitReader::new(&rbsp).ue()
}

/// The `(pic_parameter_set_id, seq_parameter_set_id)` of a PPS NAL unit.
pub fn pps_ids(pps: &[u8]) -> Option<(u32, u32)> {
    let rbsp = unescape(pps.get(1..)?);
    let mut r = BitReader::new(&rbsp);
    Some((r.ue()?, r.ue()?))
}

/// Removes emulation-prevention bytes (`00 00 03` → `00 00`).
fn unescape(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut zeros = 0;
    for &b in data {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Reads Exp-Golomb codes from RBSP bytes.
struct BitReader<'a> {
    data: &'a [u8],
    bit: usize,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        BitReader { data, bit: 0 }
    }

    fn read_bit(&mut self) -> Option<u32> {
        let byte = self.data.get(self.bit / 8)?;
        let v = (byte >> (7 - self.bit % 8)) & 1;
        self.bit += 1;
        Some(u32::from(v))
    }

    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.read_bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let mut v: u64 = 1;
        for _ in 0..zeros {
            v = (v << 1) | u64::from(self.read_bit()?);
        }
        u32::try_from(v - 1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_ids() {
        // SPS: header 0x67, profile 100, flags 0, level 40, then ue(1) = "010".
        assert_eq!(sps_id(&[0x67, 100, 0, 40, 0b0100_0000]), Some(1));
        assert_eq!(sps_id(&[0x67, 100, 0, 40, 0b1000_0000]), Some(0));
        // PPS: ue(2) = "011", ue(0) = "1".
        assert_eq!(pps_ids(&[0x68, 0b0111_0000]), Some((2, 0)));
    }

    #[test]
    fn avcc_round_trip_and_annexb_split() {
        let cfg = AvcConfig {
            profile: 100,
            compatibility: 0,
            level: 40,
            length_size: 4,
            sps: vec![vec![0x67, 100, 0, 40, 0x80]],
            pps: vec![vec![0x68, 0xce]],
            trailer: vec![0xfd, 0xf8, 0xf8, 0],
        };
        assert_eq!(
            AvcConfig::parse(&cfg.try_to_bytes().expect("fits")),
            Some(cfg)
        );
        let data = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 0,
        ];
        let nals = split_annexb(&data);
        assert_eq!(
            nals,
            vec![&[0x67, 1, 2][..], &[0x68, 3][..], &[0x65, 4][..]]
        );
        let framed = length_prefixed(nals.iter().copied(), 4).expect("fits");
        assert_eq!(split_length_prefixed(&framed, 4), Some(nals));
        // A B-slice with nal_ref_idc 0 is disposable; an IDR slice is not.
        let framed = |nal: &[u8]| length_prefixed([nal], 4).expect("fits");
        assert!(is_disposable(&framed(&[0x01, 0x9e]), 4));
        assert!(!is_disposable(&framed(&[0x65, 0x88]), 4));
        // A length that its prefix cannot hold is refused, never written cut short.
        assert!(length_prefixed([&[0u8; 255][..]], 1).is_some());
        assert!(length_prefixed([&[0u8; 256][..]], 1).is_none());
        assert!(length_prefixed([&vec![0u8; 70_000][..]], 2).is_none());
        assert_eq!(
            length_prefixed([&vec![0u8; 70_000][..]], 4).map(|v| v.len()),
            Some(70_004)
        );
    }

    use proptest::prelude::*;

    fn nal() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 1..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Untrusted bytes (a damaged file's extradata and samples): an answer, never a
        /// panic or a hang, whatever the prefix size.
        #[test]
        fn any_bytes_parse_without_panic(data in prop::collection::vec(any::<u8>(), 0..200),
                                         length_size in 0usize..12) {
            let _ = AvcConfig::parse(&data);
            let _ = split_annexb(&data);
            let _ = split_length_prefixed(&data, length_size);
            let _ = is_disposable(&data, length_size);
            let _ = sps_id(&data);
            let _ = pps_ids(&data);
        }

        /// Length-prefixed framing round-trips for every prefix size a record can declare.
        #[test]
        fn length_prefixed_round_trips(nals in prop::collection::vec(nal(), 0..6),
                                       length_size in prop::sample::select(vec![1usize, 2, 4])) {
            let framed = length_prefixed(nals.iter().map(Vec::as_slice), length_size)
                .expect("short units fit");
            let back = split_length_prefixed(&framed, length_size).expect("lengths add up");
            prop_assert_eq!(back, nals.iter().map(Vec::as_slice).collect::<Vec<_>>());
        }

        /// Annex-B splitting gives back units that hold no start code and do not end in 0.
        #[test]
        fn annexb_round_trips(nals in prop::collection::vec(nal(), 0..6)) {
            let clean: Vec<Vec<u8>> = nals.into_iter()
                .filter(|n| n.last() != Some(&0) && !n.windows(3).any(|w| w[0] == 0 && w[1] == 0 && w[2] <= 3))
                .collect();
            let mut data = Vec::new();
            for n in &clean {
                data.extend_from_slice(&[0, 0, 0, 1]);
                data.extend_from_slice(n);
            }
            prop_assert_eq!(split_annexb(&data), clean.iter().map(Vec::as_slice).collect::<Vec<_>>());
        }

        /// A record round-trips, and one that cannot be written is refused.
        #[test]
        fn avcc_round_trips(sps in prop::collection::vec(nal(), 0..40),
                            pps in prop::collection::vec(nal(), 0..3),
                            length_size in prop::sample::select(vec![1usize, 2, 4]),
                            trailer in prop::collection::vec(any::<u8>(), 0..6)) {
            let cfg = AvcConfig { profile: 100, compatibility: 0, level: 40, length_size,
                                  sps, pps, trailer };
            match cfg.try_to_bytes() {
                Some(bytes) => prop_assert_eq!(AvcConfig::parse(&bytes), Some(cfg)),
                None => prop_assert!(cfg.sps.len() > 31),
            }
        }
    }

    #[test]
    fn found_by_the_property_tests() {
        // A zero-byte prefix never advanced: an endless loop.
        assert_eq!(split_length_prefixed(&[1, 2, 3], 0), None);
        // An 8-byte length near usize::MAX overflowed the position.
        assert_eq!(split_length_prefixed(&[0xff; 9], 8), None);
    }
}
