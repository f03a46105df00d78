#!/usr/bin/env python3
"""Regenerate the broken inputs of tests/data/bad/ (checked by tests/test_bad_input.c against
manifest.tsv, which is written by hand: each expected line, column and message was checked).

    /usr/bin/python3 tests/data/bad/make_bad.py

Every file is loaded on top of the built-in data. The 100 MB single-line files are not here:
test_bad_input.c writes them to /tmp at test time.
"""
import codecs
import os

HERE = os.path.dirname(os.path.abspath(__file__))

HEAD = '{"format": "healthplan/1",\n'
OBS = ('{"region": "430900", "indicator": "infant_mortality", "year": 2019, '
       '"value": %s}')
CSV_HEAD = "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"


def obs_json(value):
    return HEAD + ' "observations": [\n  ' + (OBS % value) + ']}\n'


FILES = {
    # ---- JSON
    "truncated_string.json": HEAD + ' "regions": [{"code": "430999", "name_zh": "测试',
    "truncated_array.json": HEAD + ' "regions": [\n  {"code": "430999"},\n',
    "truncated_object.json": HEAD + ' "regions": [{"code": "430999", "name_zh": "测试县"',
    "deep_nesting.json": HEAD + ' "regions": [' + "[" * 100000 + "]" * 100000 + "]}\n",
    "deep_rule.json": HEAD + ' "targets": [{"plan": "yiyang-14fyp", "id": "deep", '
                             '"indicator": "beds", "year": 2025, "rule": '
                      + '{"kind": "any", "rules": [' * 20 + '{"kind": "ge", "value": 1}'
                      + "]}" * 20 + "}]}\n",
    "invalid_utf8.json": (HEAD + ' "regions": [{"code": "430999", "name_zh": "测试').encode()
                         + b"\xc3\x28" + '县"}]}\n'.encode(),
    "gbk.json": (HEAD + ' "regions": [{"code": "430999", "name_zh": "').encode()
                + "测试县".encode("gbk") + b'"}]}\n',
    "utf16_bom.json": codecs.BOM_UTF16_LE + obs_json("2.9").encode("utf-16-le"),
    "utf16_no_bom.json": obs_json("2.9").encode("utf-16-le"),
    "nul_byte.json": (HEAD + ' "regions": [{"code": "43\x000999"}]}\n').encode(),
    "huge_number.json": obs_json("1e400"),
    "huge_negative.json": obs_json("-1e400"),
    "nan.json": obs_json("NaN"),
    "infinity.json": obs_json("Infinity"),
    "wrong_type_year.json": HEAD + ' "observations": [\n  {"region": "430900", '
                                   '"indicator": "infant_mortality", "year": "2019", "value": 2.9}]}\n',
    "wrong_type_rule.json": HEAD + ' "targets": [{"plan": "yiyang-14fyp", "id": "x1", '
                                   '"indicator": "beds", "year": 2025,\n'
                                   '   "rule": {"kind": "le", "value": "8.0"}}]}\n',
    "year_out_of_range.json": HEAD + ' "observations": [\n  {"region": "430900", '
                                     '"indicator": "infant_mortality", "year": 1800, "value": 2.9}]}\n',
    "unknown_indicator.json": HEAD + ' "observations": [\n  {"region": "430900", '
                                     '"indicator": "infant_mortalty", "year": 2019, "value": 2.9}]}\n',
    "unknown_region.json": HEAD + ' "plans": [{"id": "p-x", "region": "430099"}]}\n',
    "unknown_kind.json": HEAD + ' "targets": [{"plan": "yiyang-14fyp", "id": "x2", '
                                '"indicator": "beds", "year": 2025, "rule": {"kind": "lte", "value": 8}}]}\n',
    "duplicate_id.json": HEAD + ' "regions": [\n  {"code": "430999", "name_zh": "甲县"},\n'
                                '  {"code": "430999", "name_zh": "乙县"}]}\n',
    "conflicts_builtin.json": HEAD + ' "regions": [\n  {"code": "430900", "name_zh": "益阳",'
                                     ' "parent": "430000", "level": "prefecture"}]}\n',
    "duplicate_key.json": HEAD + ' "regions": [{"code": "430999", "code": "430998"}]}\n',
    "duplicate_part.json": HEAD + ' "regions": [],\n "regions": []}\n',
    "too_many_keys.json": HEAD + ' "regions": [{"code": "430999", '
                          + ", ".join('"k%d": %d' % (i, i) for i in range(100)) + "}]}\n",
    "not_an_object.json": "[" + obs_json("2.9") + "]\n",
    "trailing_garbage.json": HEAD + ' "regions": []}\n}\n',
    "trailing_comma.json": HEAD + ' "regions": [{"code": "430999"},]}\n',
    "record_not_object.json": HEAD + ' "regions": ["430999"]}\n',
    "wrong_format.json": '{"format": "healthplan/2", "regions": []}\n',
    "empty.json": "",
    # ---- CSV
    "truncated_quote.csv": CSV_HEAD + '430900,infant_mortality,2019,"2.9\n',
    "invalid_utf8.csv": CSV_HEAD.encode() + b"430900,infant_mortality,2019,2.9\n"
                        + b"430900,\xd3\xa4\xb6\xf9,2019,2.9\n",
    "utf16_bom.csv": codecs.BOM_UTF16_LE + (CSV_HEAD + "430900,infant_mortality,2019,2.9\n")
                     .encode("utf-16-le"),
    "nul_byte.csv": (CSV_HEAD + "430900,infant_mortality,2019,2\x00.9\n").encode(),
    "huge_number.csv": CSV_HEAD + "430900,infant_mortality,2019,1e400\n",
    "nan.csv": CSV_HEAD + "430900,infant_mortality,2019,NaN\n",
    "infinity.csv": CSV_HEAD + "430900,infant_mortality,2019,Infinity\n",
    "comma_decimal.csv": CSV_HEAD + '430900,infant_mortality,2019,"2,9"\n',
    "wrong_type_year.csv": CSV_HEAD + "430900,infant_mortality,2019年,2.9\n",
    "year_out_of_range.csv": CSV_HEAD + "430900,infant_mortality,2101,2.9\n",
    "unknown_indicator.csv": CSV_HEAD + "430900,infant_mortality,2018,3.1\n"
                                        "430900,infant_mortalty,2019,2.9\n",
    "unknown_region.csv": CSV_HEAD + "430099,infant_mortality,2019,2.9\n",
    "duplicate_row.csv": CSV_HEAD + "430900,infant_mortality,2019,2.9\n"
                                    "430921,beds,2019,5\n"
                                    "430900,infant_mortality,2019,3.0\n",
    "conflicts_builtin.csv": CSV_HEAD + "430900,infant_mortality,2020,3.5\n",
    "missing_column.csv": "REF_AREA,INDICATOR,TIME_PERIOD\n430900,infant_mortality,2019\n",
    "duplicate_column.csv": "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,ref_area\n"
                            "430900,infant_mortality,2019,2.9,430900\n",
    "too_many_fields.csv": CSV_HEAD + "430900,infant_mortality,2019,2.9" + ",x" * 5000 + "\n",
    "short_row.csv": CSV_HEAD + "430900,infant_mortality\n",
    "text_after_quote.csv": CSV_HEAD + '430900,"infant_mortality"x,2019,2.9\n',
    "quote_in_field.csv": CSV_HEAD + '430900,infant"mortality,2019,2.9\n',
    "not_a_known_csv.csv": "a,b,c\n1,2,3\n",
    "bad_target_phrase.csv": "plan,region,indicator,year,target,nature\n"
                             "yiyang-14fyp,430900,beds,2025,≤1８x,预期性\n",
    "empty.csv": "",
}


def main():
    for name, content in FILES.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    print(f"{len(FILES)} files written")


if __name__ == "__main__":
    main()
