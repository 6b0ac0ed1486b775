/* json - see json.h. */
#include "core/json.h"

#include "core/mnist.h"

void
json_put_text(FILE *fp, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(fp, "\\u%04x", ch);
        else
            putc(ch, fp);
    }
}

void
json_put_base64(FILE *fp, const uint8_t *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        putc(digits[v >> 18 & 63], fp);
        putc(digits[v >> 12 & 63], fp);
        putc(i + 1 < n ? digits[v >> 6 & 63] : '=', fp);
        putc(i + 2 < n ? digits[v & 63] : '=', fp);
    }
}

void
json_put_prediction(FILE *fp, int verdict, int guess, const float *prob,
                    const uint8_t *input, const char *model_id)
{
    if (verdict == MNIST_NOT_DIGIT)
        fprintf(fp, "{\"prediction\":null,\"confidence\":%.6f,"
                "\"not_a_digit\":true,\"best_guess\":%d,", prob[verdict],
                guess);
    else
        fprintf(fp, "{\"prediction\":%d,\"confidence\":%.6f,"
                "\"not_a_digit\":false,", verdict, prob[verdict]);
    fputs("\"probabilities\":[", fp);
    for (int k = 0; k < MNIST_CLASSES; k++)
        fprintf(fp, "%s%.6f", k == 0 ? "" : ",", prob[k]);
    fputs("]", fp);
    if (input != NULL) {
        fputs(",\"input\":\"", fp);
        json_put_base64(fp, input, MNIST_PIXELS);
        fputs("\"", fp);
    }
    if (model_id != NULL)
        fprintf(fp, ",\"model\":\"%s\"", model_id);
    putc('}', fp);
}

void
json_put_number(FILE *fp, const char *number, float confidence,
                const char *best_guess, int n, const int *verdict,
                const int *guess, const float *prob, const uint8_t *input,
                const char *model_id)
{
    if (number != NULL)
        fprintf(fp, "{\"number\":\"%s\",\"confidence\":%.6f,"
                "\"not_a_digit\":false,", number, confidence);
    else
        fprintf(fp, "{\"number\":null,\"confidence\":%.6f,"
                "\"not_a_digit\":true,\"best_guess\":\"%s\",", confidence,
                best_guess);
    fputs("\"digits\":[", fp);
    for (int i = 0; i < n; i++) {
        const float *p = prob + (size_t)i * MNIST_OUTPUTS;

        if (i > 0)
            putc(',', fp);
        json_put_prediction(fp, verdict[i], guess[i], p,
                            input ? input + (size_t)i * MNIST_PIXELS : NULL,
                            NULL);
    }
    fprintf(fp, "],\"model\":\"%s\"}", model_id);
}

void
json_put_stored(FILE *fp, const char *id, int duplicate)
{
    fprintf(fp, "{\"id\":\"%s\",\"duplicate\":%s}", id,
            duplicate ? "true" : "false");
}
