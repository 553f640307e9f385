package io.assay.balance;

/** The kinds of slice a balance check looks at; the code is the {@code slice_type} column. */
enum SliceType {
  /** Every enrolled unit of the experiment version. */
  OVERALL("overall"),
  /** Units with one value of one strata attribute ({@code slice_key} = the attribute). */
  STRATUM("stratum"),
  /** Units with one combination of values of crossed strata attributes. */
  CROSSED_STRATUM("crossed_stratum"),
  /** Units enrolled on one day ({@code slice_value} = the date). */
  DAY("day"),
  /** Units enrolled on or before one day. */
  CUMULATIVE("cumulative"),
  /** Units whose enrolling exposure was logged by one source. */
  SOURCE("source");

  final String code;

  SliceType(String code) {
    this.code = code;
  }

  static SliceType of(String code) {
    for (SliceType t : values()) {
      if (t.code.equals(code)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown slice type " + code);
  }
}
