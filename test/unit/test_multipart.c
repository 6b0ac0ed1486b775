/* test_multipart - the form parser: what curl -F and browsers send is
 * found, and each way a form can be malformed, oversized or more than
 * one image is refused with a reason. */
#include <string.h>

#include "core/util.h"
#include "web/multipart.h"
#include "tap.h"

#define TYPE "multipart/form-data; boundary=XyZ"

static int
parse(struct multipart_file *f, const char *type, const char *body,
      char *err)
{
    err[0] = '\0';
    return multipart_file(f, type, (const uint8_t *)body, strlen(body), err);
}

static void
check_bad(const char *type, const char *body, const char *want)
{
    struct multipart_file f;
    char err[ERRLEN];

    ok(parse(&f, type, body, err) == -1 && strstr(err, want) != NULL,
       "refused: %s (got: %s)", want, err);
}

int
main(void)
{
    struct multipart_file f;
    char err[ERRLEN], big[4 * MULTIPART_MAX_LINE];
    const char *curl = "--XyZ\r\nContent-Disposition: form-data; "
        "name=\"image\"; filename=\"../a;b.pgm\"\r\nContent-Type: "
        "image/x-portable-graymap\r\n\r\nP5\r\n--XyY\r\n--XyZ--\r\n";

    ok(parse(&f, TYPE, curl, err) == 0 && f.len == 9 &&
       memcmp(f.data, "P5\r\n--XyY", 9) == 0 &&
       strcmp(f.type, "image/x-portable-graymap") == 0,
       "curl's form: the file's bytes (a near-boundary inside) and type (%s)",
       err);
    ok(parse(&f, "Multipart/Form-Data ; boundary=\"a b:c\"", "--a b:c\r\n"
             "content-disposition: form-data; name=file\r\n\r\nxy\r\n"
             "--a b:c--", err) == 0 && f.len == 2 && f.type[0] == '\0',
       "any case, a quoted boundary, field file, no type, no final CRLF "
       "(%s)", err);
    ok(multipart_is_form("multipart/form-data;boundary=x") &&
       !multipart_is_form("multipart/form-datax") &&
       !multipart_is_form("image/png") && !multipart_is_form(NULL),
       "multipart_is_form");
    check_bad("multipart/form-data", "--x\r\n", "boundary parameter");
    check_bad("multipart/form-data; boundary=", "--\r\n", "boundary");
    check_bad("multipart/form-data; boundary=a; boundary=b", "--a\r\n",
              "boundary");
    strcpy(big, "multipart/form-data; boundary=");
    memset(big + strlen(big), 'b', 80);
    big[30 + 80] = '\0';
    check_bad(big, "--b\r\n", "boundary");
    check_bad(TYPE, "preamble\r\n--XyZ\r\n", "does not begin");
    check_bad(TYPE, "--XyZ--\r\n", "no part");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; "
              "name=\"label\"\r\n\r\n7\r\n--XyZ--\r\n", "no field named");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: attachment; "
              "name=\"image\"\r\n\r\n7\r\n--XyZ--\r\n", "Content-Disposition");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image"
              "\r\n\r\n7\r\n--XyZ--\r\n", "Content-Disposition");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\n\r\nP5\r\n--XyZ\r\nContent-Disposition: form-data; "
              "name=\"file\"\r\n\r\nP5\r\n--XyZ--\r\n", "more than one part");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\n\r\nP5 and no end", "closing boundary");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\n\r\n\r\n--XyZ--", "empty");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\n\r\nP5\r\n--XyZ--\r\nmore", "follow");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\nContent-Transfer-Encoding: base64\r\n\r\nUDU=\r\n--XyZ--",
              "Content-Transfer-Encoding");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\nX-A: 1\r\nX-A: 1\r\nX-A: 1\r\nX-A: 1\r\nX-A: 1\r\nX-A: 1\r\n"
              "X-A: 1\r\nX-A: 1\r\n\r\nP5\r\n--XyZ--", "header lines");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\nNo colon\r\n\r\nP5\r\n--XyZ--", "Name: value");
    check_bad(TYPE, "--XyZ\r\nContent-Disposition: form-data; name=\"image\""
              "\r\nX-A: \001\r\n\r\nP5\r\n--XyZ--", "control character");
    memcpy(big, "--XyZ\r\nX-A: ", 12);
    memset(big + 12, 'a', sizeof big - 13);
    big[sizeof big - 1] = '\0';
    check_bad(TYPE, big, "over 1024 bytes");
    return tap_done();
}
