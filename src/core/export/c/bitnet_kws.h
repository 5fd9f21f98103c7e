#ifndef BITNET_KWS_H
#define BITNET_KWS_H
/*
 * bitnet_kws.h - keyword spotting on 16 kHz mono PCM with the exported network (bitnet.h): an integer log-mel
 * front end turns each second of audio into the 28×28 uint8 feature image the network classifies (row = mel band,
 * row 0 the highest; column = 32 ms frame, time left to right), and a streaming detector decides on the scores.
 * Integer only, no malloc: the buffers are static (about 4 KB), the tables const (bitnet_kws_config.h).
 * The features equal the playground's clipFeatures (src/core/audio/frontEnd.ts) byte for byte, and the detector
 * its KeywordDetector (src/core/audio/detector.ts); README.md gives the parameters.
 * Not reentrant: one stream, one thread (or one interrupt priority) at a time.
 */
#include <stdint.h>

#include "bitnet.h"

#define BITNET_KWS_SAMPLE_RATE 16000   /* Hz */
#define BITNET_KWS_CLIP_SAMPLES 16000  /* one window: 1 s */
#define BITNET_KWS_FEATURES 784        /* 28 bands × 28 frames, [band row][frame] */

#ifdef __cplusplus
extern "C" {
#endif

void bitnet_kws_reset(void);
/* forgets the stream: the sample history, the feature frames and the detector's windows */

int bitnet_kws_push(const int16_t *samples, int count);
/* feeds count samples of the stream; a window of the last second is classified every BITNET_KWS_STRIDE_FRAMES
   frames (about 250 ms) and the detector applied; returns the class detected by the last window these samples
   completed, or -1 */

int bitnet_kws_confidence(void);
/* the last detection's confidence in per mille (the softmax probability of the averaged scores' top class) */

int bitnet_kws_classify(const int16_t pcm[BITNET_KWS_CLIP_SAMPLES], int32_t scores[BITNET_NUM_CLASSES]);
/* one second, one answer: the front end then bitnet_predict; returns the class, scores as bitnet_predict's */

void bitnet_kws_features(const int16_t pcm[BITNET_KWS_CLIP_SAMPLES], uint8_t features[BITNET_KWS_FEATURES]);
/* the front end alone */

#ifdef __cplusplus
}
#endif

#endif /* BITNET_KWS_H */
