/*
 * examples/main.c - runs bitnet_predict on the test images in test_images.h and checks the classes and scores
 * the playground computed for them. From the folder above:
 *   cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I. *.c examples/main.c -o bitnet_demo && ./bitnet_demo
 */
#include <stdio.h>

#include "bitnet.h"
#include "test_images.h"

int main(void)
{
    int failures = 0;
    int i;
    for (i = 0; i < TEST_IMAGE_COUNT; i++) {
        int32_t scores[BITNET_NUM_CLASSES];
        int c;
        int same = 1;
        const int predicted = bitnet_predict(test_images[i], scores);
        for (c = 0; c < BITNET_NUM_CLASSES; c++) {
            if (scores[c] != expected_scores[i][c]) {
                same = 0;
            }
        }
        printf("image %d: label %d, predicted %d \"%s\" (expected %d), scores %s\n", i, test_labels[i], predicted,
               bitnet_class_names[predicted], expected_classes[i], same ? "as expected" : "DIFFER");
        if (predicted != expected_classes[i] || !same) {
            failures++;
        }
    }
    printf("%d of %d images as expected\n", TEST_IMAGE_COUNT - failures, TEST_IMAGE_COUNT);
    return failures == 0 ? 0 : 1;
}
