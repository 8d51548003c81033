/* jsonpos.h - kpix_json_locate now lives in json.h (the JSON document
 * reader); this header is kept only for the manifest reader's include
 * until that reads through json.h too. */
#ifndef KPIX_JSONPOS_H
#define KPIX_JSONPOS_H

#include "json.h"

#endif
