package dev.frugal.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money is integer micro-USD everywhere; these are the only conversions to and from dollars. */
public final class Money {
    private Money() {}

    /** Dollars to micro-USD, rounded half up below a micro-dollar. @throws ArithmeticException past a long */
    public static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Micro-USD as exact dollars with six decimals. */
    public static BigDecimal usd(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** Micro-USD as dollars without trailing zeros or exponent: 500, 12.5, 0.000001. */
    public static BigDecimal usdShort(long micros) {
        BigDecimal d = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }
}
