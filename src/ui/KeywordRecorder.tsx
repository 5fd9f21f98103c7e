/**
 * Record keywords from the microphone: name a word (or pick _silence_ / _unknown_), record 1 s clips of it (1.5 s
 * captured, resampled to 16 kHz, its loudest second kept: core/audio/capture.ts), see each clip's features, play or
 * delete it; record room noise for _silence_ and for mixing into training clips. The clips are kept in this browser
 * (store/keywordStorage.ts), download as a Speech Commands zip that the keywords input loads back, and train when
 * each word has MIN_CLIPS_PER_WORD clips.
 */
import { useEffect, useState } from 'react';
import { clipFromCapture } from '../core/audio/capture';
import { clipLevel, resample, toPcm16 } from '../core/audio/resample';
import { SAMPLE_RATE } from '../core/audio/frontEnd';
import { BACKGROUND_FOLDER, MIN_CLIPS_PER_WORD, recordedReadinessProblem, recordedSetZip, SILENCE, UNKNOWN, wordNameProblem, type RecordedSet } from '../core/audio/recordedSet';
import { saveFile } from '../store/download';
import { readRecordedSet, writeRecordedSet } from '../store/keywordStorage';
import { trainOnRecordedKeywords } from '../store/workerBridge';
import { ClipFeatures, PlayButton } from './audio/clipViews';
import { captureSeconds, useLiveMicrophone } from './audio/liveMicrophone';
import { LevelMeter } from './LiveSpectrogram';
import { Tip, tipId } from './Tip';

const NOISE_SECONDS = 5;
/** Room noise quieter than this is digital silence: no microphone signal at all. */
const DEAD_INPUT_DB = -90;

export function KeywordRecorder() {
  const [recorded, setRecorded] = useState<RecordedSet>({ words: [], background: [] });
  const [current, setCurrent] = useState(0);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [recording, setRecording] = useState<'clip' | 'noise' | null>(null);
  const microphone = useLiveMicrophone();

  useEffect(() => {
    let live = true;
    void readRecordedSet().then(({ set, problem }) => {
      if (!live) return;
      setRecorded((now) => (now.words.length === 0 && now.background.length === 0 ? set : now));
      if (problem) setMessage(problem);
    });
    return () => {
      live = false;
    };
  }, []);

  const update = (next: RecordedSet) => {
    setRecorded(next);
    void writeRecordedSet(next).then((problem) => problem && setMessage(problem));
  };

  const addWord = (word = name) => {
    const problem = wordNameProblem(word, recorded.words);
    setMessage(problem);
    if (problem) return;
    update({ ...recorded, words: [...recorded.words, { name: word.trim(), clips: [] }] });
    setCurrent(recorded.words.length);
    setName('');
  };

  const recordClip = async () => {
    const target = recorded.words[current];
    if (!target || recording) return;
    setRecording('clip');
    setMessage(`Say "${target.name}" now…`);
    const captured = await captureSeconds();
    setRecording(null);
    if (!captured) return setMessage(null);
    const clip = clipFromCapture(captured.samples, captured.sampleRate);
    if ('problem' in clip) return setMessage(clip.problem);
    setMessage(`Kept a clip of "${target.name}" (${clip.levelDb.toFixed(0)} dBFS).`);
    // The newest state: a clip may land after other edits.
    setRecorded((now) => {
      const next = { ...now, words: now.words.map((w) => (w.name === target.name ? { ...w, clips: [...w.clips, clip.pcm] } : w)) };
      void writeRecordedSet(next).then((problem) => problem && setMessage(problem));
      return next;
    });
  };

  const recordNoise = async () => {
    if (recording) return;
    setRecording('noise');
    setMessage(`Recording ${NOISE_SECONDS} s of the room: stay quiet…`);
    const captured = await captureSeconds(NOISE_SECONDS);
    setRecording(null);
    if (!captured) return setMessage(null);
    const pcm = toPcm16(resample(captured.samples, captured.sampleRate, SAMPLE_RATE));
    if (!(clipLevel(pcm) > DEAD_INPUT_DB)) return setMessage('The room noise is digital silence: the microphone gives no signal. Nothing was kept.');
    setMessage(`Kept ${NOISE_SECONDS} s of room noise (${clipLevel(pcm).toFixed(0)} dBFS).`);
    setRecorded((now) => {
      const next = { ...now, background: [...now.background, pcm] };
      void writeRecordedSet(next).then((problem) => problem && setMessage(problem));
      return next;
    });
  };

  const deleteClip = (word: number, clip: number) => {
    update({ ...recorded, words: recorded.words.map((w, i) => (i === word ? { ...w, clips: w.clips.filter((_, k) => k !== clip) } : w)) });
    setMessage(`Deleted clip ${clip + 1} of "${recorded.words[word]?.name ?? ''}".`);
  };
  const deleteWord = (word: number) => {
    const doomed = recorded.words[word];
    if (!doomed) return;
    // A word's clips took minutes to record and nothing brings them back: ask first.
    if (doomed.clips.length > 0 && !window.confirm(`Delete the word "${doomed.name}" and its ${doomed.clips.length} clip(s)? This cannot be undone.`)) return;
    update({ ...recorded, words: recorded.words.filter((_, i) => i !== word) });
    setCurrent(0);
    setMessage(`Deleted the word "${doomed.name}".`);
  };

  const ready = recordedReadinessProblem(recorded);
  const target = recorded.words[current];
  return (
    <div className="recorder" data-testid="keyword-recorder">
      <p className="muted">
        Name a word and record {MIN_CLIPS_PER_WORD} or more 1-second clips of it; add <code>{SILENCE}</code> (made from room noise) and <code>{UNKNOWN}</code> (other words) so
        the detector can say &quot;none of these&quot;. Clips are kept in this browser.
      </p>
      <div className="collect-row">
        <input
          data-testid="record-class-name"
          type="text"
          list="record-word-suggestions"
          aria-label="New word"
          placeholder="word, e.g. yes"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && addWord()}
        />
        <datalist id="record-word-suggestions">
          <option value={SILENCE} />
          <option value={UNKNOWN} />
        </datalist>
        <span className="explained">
          <button type="button" data-testid="record-add-word" aria-describedby={tipId('record-add-word')} onClick={() => addWord()}>
            Add word
          </button>
          <Tip name="record-add-word">Adds a word to record clips of; the list offers {SILENCE} and {UNKNOWN}.</Tip>
        </span>
      </div>
      {recorded.words.length > 0 && (
        <div className="explained">
          <ul className="collect-classes">
            {recorded.words.map((w, i) => (
              <li key={w.name}>
                <button type="button" data-testid="record-word" data-word={w.name} aria-describedby={tipId('record-words')} className={i === current ? 'active' : ''} onClick={() => setCurrent(i)}>
                  {w.name} ({w.clips.length})
                </button>{' '}
                <button type="button" aria-label={`delete the word ${w.name} and its clips`} aria-describedby={tipId('record-words')} onClick={() => deleteWord(i)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <Tip name="record-words">Click a word to record clips of it; × deletes the word and its clips.</Tip>
        </div>
      )}
      <div className="collect-row">
        <span className="explained">
          <button type="button" data-testid="record-clip" aria-describedby={tipId('record-clip')} disabled={!target || recording !== null} onClick={() => void recordClip()}>
            {recording === 'clip' ? 'Recording…' : `Record a clip${target ? ` of "${target.name}"` : ''}`}
          </button>
          <Tip name="record-clip">
            {target ? 'Listens for 1.5 s and keeps its loudest second, at 16 kHz, as one clip of the selected word.' : 'Add a word first: each clip belongs to a word.'}
          </Tip>
        </span>
        <span className="explained">
          <button type="button" data-testid="record-noise" aria-describedby={tipId('record-noise')} disabled={recording !== null} onClick={() => void recordNoise()}>
            {recording === 'noise' ? 'Recording the room…' : `Record room noise (${recorded.background.length})`}
          </button>
          <Tip name="record-noise">Records {NOISE_SECONDS} s of the quiet room, kept as {BACKGROUND_FOLDER}: it makes {SILENCE} and noisy training copies.</Tip>
        </span>
        {recording !== null && microphone.status === 'open' && <LevelMeter levelDb={microphone.levelDb} />}
      </div>
      {microphone.error && (
        <p className="own-error" role="alert" data-testid="microphone-error">
          {microphone.error}
        </p>
      )}
      <div data-testid="record-clips" className="explained">
        {recorded.words.map((w, i) => (
          <div key={w.name} className="record-clips" data-word={w.name} data-count={w.clips.length}>
            {w.clips.length > 0 && <span className="own-class-name">{w.name}</span>}
            {w.clips.map((pcm, k) => (
              <span key={k} className="record-clip">
                <ClipFeatures pcm={pcm} title={`${w.name} ${k + 1}`} />
                <PlayButton pcm={pcm} label={`play ${w.name} ${k + 1}`} describedBy={tipId('record-clip-buttons')} />
                <button type="button" className="clip-delete" aria-label={`delete ${w.name} ${k + 1}`} aria-describedby={tipId('record-clip-buttons')} onClick={() => deleteClip(i, k)}>
                  ×
                </button>
              </span>
            ))}
          </div>
        ))}
        <Tip name="record-clip-buttons">Each clip as the network hears it (pitch up, time right); ▶ plays it, × deletes it.</Tip>
      </div>
      <div className="collect-row">
        <span className="explained">
          <button type="button" data-testid="record-train" aria-describedby={tipId('record-train')} disabled={ready !== null} onClick={() => trainOnRecordedKeywords(recorded)}>
            Train on these clips
          </button>
          <Tip name="record-train">{ready ?? 'Makes these clips the data set (the kws preset trains on them); press Train to start.'}</Tip>
        </span>
        {/* Why the button is disabled, in words a touch screen shows too (a tip needs a hover). */}
        {ready !== null && message !== null && (
          <span className="muted" data-testid="record-readiness">
            {ready}
          </span>
        )}
        <span className="explained">
          <button
            type="button"
            data-testid="record-download"
            aria-describedby={tipId('record-download')}
            disabled={recorded.words.length === 0 && recorded.background.length === 0}
            onClick={() => saveFile('keywords.zip', recordedSetZip(recorded), 'application/zip')}
          >
            Download as .zip
          </button>
          <Tip name="record-download">Downloads the clips as a .zip in Speech Commands&apos; layout, which the keywords input above loads back.</Tip>
        </span>
      </div>
      {(message ?? ready) && (
        <p className="muted" data-testid="record-message">
          {message ?? ready}
        </p>
      )}
    </div>
  );
}
