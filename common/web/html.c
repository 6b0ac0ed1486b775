/* html - see html.h. */
#include "web/html.h"

#include <string.h>

#include "core/json.h"
#include "core/mnist.h"
#include "web/http.h"

/* Text of ours and the client's alike goes through here. */
static void
put_escaped(FILE *out, const char *s)
{
    for (; *s != '\0'; s++)
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: putc(*s, out);
        }
}

int
html_wanted(const char *accept)
{
    return accept != NULL && strstr(accept, "text/html") != NULL;
}

/* The status line and headers of an HTML answer, and the page's head
 * and first lines, up to inside <main>. */
static void
begin(FILE *out, int status, const char *origin, const char *title)
{
    http_head(out, status, origin);
    fputs("Content-Type: text/html; charset=utf-8\r\n"
          "Content-Security-Policy: default-src 'none'; style-src "
          "'unsafe-inline'; img-src data:; form-action 'self'\r\n\r\n"
          "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<meta name=\"color-scheme\" "
          "content=\"light dark\">\n<title>digits: ", out);
    put_escaped(out, title);
    fputs("</title>\n<style>\n"
          "body { margin: 0; font: 16px/1.45 system-ui, sans-serif; }\n"
          "main { max-width: 860px; margin: 0 auto; padding: 16px; }\n"
          "h1 { font-size: 1.5rem; margin: 0 0 8px; }\n"
          ".answer { font-size: 3.5rem; font-weight: 700; margin: 0; }\n"
          ".answer.words { font-size: 1.4rem; }\n"
          ".muted { color: GrayText; }\n"
          ".cards { display: flex; flex-wrap: wrap; gap: 12px; }\n"
          ".card { border: 1px solid GrayText; border-radius: 10px; "
          "padding: 12px; flex: 1 1 260px; max-width: 420px; }\n"
          ".card h2 { margin: 0; font-size: 2rem; }\n"
          "figure { margin: 8px 0; }\n"
          "figure img { width: 84px; height: 84px; image-rendering: "
          "pixelated; border: 1px solid GrayText; }\n"
          "figcaption { font-size: .8rem; color: GrayText; }\n"
          "ol { list-style: none; padding: 0; margin: 8px 0; }\n"
          "li { display: grid; grid-template-columns: 1.2em 1fr 4.2em; "
          "gap: 8px; align-items: center; }\n"
          "li.top { font-weight: 700; }\n"
          ".track { display: block; height: 12px; border-radius: 4px; "
          "background: rgba(128,128,128,.2); overflow: hidden; }\n"
          ".fill { display: block; height: 100%; background: #1f5fbf; }\n"
          ".num { text-align: right; font-variant-numeric: tabular-nums; "
          "font-size: .875rem; }\n"
          "button { font: inherit; min-height: 40px; min-width: 40px; "
          "margin: 2px; border-radius: 8px; }\n"
          ".ok { color: #1e7b34; } .bad { color: #b3261e; }\n"
          "</style>\n</head>\n<body>\n<main>\n<h1>digits</h1>\n", out);
}

static void
end(FILE *out)
{
    fputs("<p><a href=\"./\">Read another picture</a></p>\n"
          "</main>\n</body>\n</html>\n", out);
}

void
html_error(FILE *out, int status, const char *origin, const char *msg)
{
    begin(out, status, origin, "error");
    fputs("<p class=\"bad\" role=\"alert\">", out);
    put_escaped(out, msg);
    fputs("</p>\n", out);
    end(out);
}

/* pix (MNIST_PIXELS grey bytes) as an 8-bit grey BMP, base64, as the
 * src of an <img>. BMP because a browser shows it and it is plain
 * bytes: a header, a 256-grey palette, the rows (28 is a multiple of 4,
 * so no padding), top row first (a negative height). */
static void
put_bmp(FILE *out, const uint8_t *pix)
{
    enum { HEAD = 14 + 40, PALETTE = 256 * 4, SIZE = HEAD + PALETTE +
           MNIST_PIXELS };
    uint8_t b[SIZE] = { 'B', 'M' };
    uint32_t v[] = { SIZE, 0, HEAD + PALETTE, 40, MNIST_SIDE,
                     (uint32_t)-MNIST_SIDE, 1 | 8 << 16, 0, MNIST_PIXELS,
                     2835, 2835, 256, 0 };

    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (int k = 0; k < 4; k++)     /* little-endian */
            b[2 + 4 * i + (size_t)k] = (uint8_t)(v[i] >> (8 * k));
    for (int g = 0; g < 256; g++)
        b[HEAD + 4 * g] = b[HEAD + 4 * g + 1] = b[HEAD + 4 * g + 2] =
            (uint8_t)g;
    memcpy(b + HEAD + PALETTE, pix, MNIST_PIXELS);
    fputs("data:image/bmp;base64,", out);
    json_put_base64(out, b, SIZE);
}

/* The verdict buttons of one digit: a form whose one field is the
 * digit's 28x28 as plain PGM, each button posting it with its label. */
static void
put_verdict(FILE *out, int verdict, const uint8_t *pix, const char *model)
{
    char pred[2] = { verdict == MNIST_NOT_DIGIT ? '-' : (char)('0' + verdict),
                     '\0' };

    fputs("<form method=\"post\" enctype=\"multipart/form-data\" "
          "action=\"corrections\">\n<input type=\"hidden\" name=\"image\" "
          "value=\"P2 28 28 255", out);
    for (int i = 0; i < MNIST_PIXELS; i++)
        fprintf(out, " %d", pix[i]);
    /* A space after the last number: netpbm reads a number to the
     * character after it. */
    fputs(" \">\n", out);
    for (int k = -1; k <= MNIST_CLASSES; k++) {
        /* k -1: Correct; then the ten digits and "not a digit" */
        char label = k < 0 ? pred[0] : k == MNIST_CLASSES ? '-' :
                     (char)('0' + k);

        if (k == 0)
            fputs("<p>Incorrect? It is:<br>\n", out);
        if (k >= 0 && label == pred[0])
            continue;
        fprintf(out, "<button type=\"submit\" formaction=\"corrections?"
                "label=%c&amp;predicted=%s", label, pred);
        if (model != NULL)
            fprintf(out, "&amp;model=%s", model);
        fprintf(out, "\"%s>", k < 0 ? " class=\"ok\"" : "");
        if (k < 0)
            fputs("Correct", out);
        else if (label == '-')
            fputs("not a digit", out);
        else
            putc(label, out);
        fputs("</button>\n", out);
    }
    fputs("</p>\n</form>\n", out);
}

/* One digit's card: the digit, its 28x28, its bars, its verdict. */
static void
put_card(FILE *out, int verdict, int guess, const float *p,
         const uint8_t *pix, const char *model)
{
    int top = verdict == MNIST_NOT_DIGIT ? guess : verdict;

    fputs("<section class=\"card\">\n", out);
    if (verdict == MNIST_NOT_DIGIT)
        fprintf(out, "<h2>?</h2><p class=\"muted\">not a digit (best "
                "guess %d)</p>\n", guess);
    else
        fprintf(out, "<h2>%d</h2><p class=\"muted\">%.1f%%</p>\n", verdict,
                100.0 * p[verdict]);
    fputs("<figure><img alt=\"the 28 by 28 picture the network saw\" "
          "src=\"", out);
    put_bmp(out, pix);
    fputs("\"><figcaption>what the network saw (28&times;28)</figcaption>"
          "</figure>\n<ol aria-label=\"Probability of each digit\">\n", out);
    for (int k = 0; k < MNIST_CLASSES; k++)
        fprintf(out, "<li%s><span>%d</span><span class=\"track\"><span "
                "class=\"fill\" style=\"width:%.1f%%\"></span></span>"
                "<span class=\"num\">%.1f%%</span></li>\n",
                k == top ? " class=\"top\"" : "", k, 100.0 * p[k],
                100.0 * p[k]);
    fputs("</ol>\n", out);
    put_verdict(out, verdict, pix, model);
    fputs("</section>\n", out);
}

void
html_prediction(FILE *out, const char *origin, const char *number,
                float confidence, int n, const int *verdict,
                const int *guess, const float *prob, const uint8_t *input,
                const char *model_id)
{
    begin(out, 200, origin, number != NULL ? number : "not read");
    if (number != NULL)
        fprintf(out, "<p class=\"answer\" id=\"answer\">%s</p>\n", number);
    else
        fprintf(out, "<p class=\"answer words\" id=\"answer\">That does "
                "not look like a %s</p>\n", n > 1 ? "number" : "digit");
    fprintf(out, "<p>Confidence %.1f%%%s</p>\n<div class=\"cards\">\n",
            100.0 * confidence, n > 1 ? ". Each digit, as the network "
            "saw it; say for each if it is right." : "");
    for (int i = 0; i < n; i++)
        put_card(out, verdict[i], guess[i], prob + (size_t)i * MNIST_OUTPUTS,
                 input + (size_t)i * MNIST_PIXELS, model_id);
    fputs("</div>\n", out);
    end(out);
}

void
html_stored(FILE *out, const char *origin, const char *id, int duplicate,
            int label, int predicted)
{
    begin(out, 200, origin, "thanks");
    fputs("<p class=\"ok\" role=\"status\" id=\"said\">Thanks: ", out);
    if (label == predicted)
        fputs("marked correct", out);
    else if (label == MNIST_NOT_DIGIT)
        fputs("saved as not a digit", out);
    else
        fprintf(out, "saved as a %d", label);
    fprintf(out, "%s Record %s.</p>\n", duplicate ? " (we had this one "
            "already)." : ".", id);
    end(out);
}
