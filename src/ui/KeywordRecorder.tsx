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
import { MIN_CLIPS_PER_WORD, recordedReadinessProblem, recordedSetZip, SILENCE, UNKNOWN, wordNameProblem, type RecordedSet } from '../core/audio/recordedSet';
import { saveFile } from '../store/download';
import { readRecordedSet, writeRecordedSet } from '../store/keywordStorage';
import { trainOnRecordedKeywords } from '../store/workerBridge';
import { ClipFeatures, PlayButton } from './audio/clipViews';
import { captureSeconds, useLiveMicrophone } from './audio/liveMicrophone';
import { LevelMeter } from './LiveSpectrogram';

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

  const deleteClip = (word: number, clip: number) =>
    update({ ...recorded, words: recorded.words.map((w, i) => (i === word ? { ...w, clips: w.clips.filter((_, k) => k !== clip) } : w)) });
  const deleteWord = (word: number) => {
    update({ ...recorded, words: recorded.words.filter((_, i) => i !== word) });
    setCurrent(0);
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
        <button type="button" data-testid="record-add-word" onClick={() => addWord()}>
          Add word
        </button>
      </div>
      {recorded.words.length > 0 && (
        <ul className="collect-classes">
          {recorded.words.map((w, i) => (
            <li key={w.name}>
              <button type="button" data-testid="record-word" data-word={w.name} className={i === current ? 'active' : ''} onClick={() => setCurrent(i)}>
                {w.name} ({w.clips.length})
              </button>{' '}
              <button type="button" title={`delete the word ${w.name} and its clips`} onClick={() => deleteWord(i)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="collect-row">
        <button type="button" data-testid="record-clip" disabled={!target || recording !== null} onClick={() => void recordClip()}>
          {recording === 'clip' ? 'Recording…' : `Record a clip${target ? ` of "${target.name}"` : ''}`}
        </button>
        <button type="button" data-testid="record-noise" disabled={recording !== null} title="5 s of the room, kept as _background_noise_: makes _silence_ and noisy training copies" onClick={() => void recordNoise()}>
          {recording === 'noise' ? 'Recording the room…' : `Record room noise (${recorded.background.length})`}
        </button>
        {recording !== null && microphone.status === 'open' && <LevelMeter levelDb={microphone.levelDb} />}
      </div>
      {microphone.error && (
        <p className="own-error" role="alert" data-testid="microphone-error">
          {microphone.error}
        </p>
      )}
      <div data-testid="record-clips">
        {recorded.words.map((w, i) => (
          <div key={w.name} className="record-clips" data-word={w.name} data-count={w.clips.length}>
            {w.clips.length > 0 && <span className="own-class-name">{w.name}</span>}
            {w.clips.map((pcm, k) => (
              <span key={k} className="record-clip">
                <ClipFeatures pcm={pcm} title={`${w.name} ${k + 1}`} />
                <PlayButton pcm={pcm} label={`play ${w.name} ${k + 1}`} />
                <button type="button" className="clip-delete" aria-label={`delete ${w.name} ${k + 1}`} title="delete this clip" onClick={() => deleteClip(i, k)}>
                  ×
                </button>
              </span>
            ))}
          </div>
        ))}
      </div>
      <div className="collect-row">
        <button type="button" data-testid="record-train" disabled={ready !== null} title={ready ?? 'train the kws preset on these clips'} onClick={() => trainOnRecordedKeywords(recorded)}>
          Train on these clips
        </button>
        <button
          type="button"
          data-testid="record-download"
          disabled={recorded.words.length === 0 && recorded.background.length === 0}
          onClick={() => saveFile('keywords.zip', recordedSetZip(recorded), 'application/zip')}
        >
          Download as .zip
        </button>
      </div>
      {(message ?? ready) && (
        <p className="muted" data-testid="record-message">
          {message ?? ready}
        </p>
      )}
    </div>
  );
}
