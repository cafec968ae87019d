package com.boxserve.service.training;

import com.boxserve.service.failure.ServiceFailure;
import java.util.Set;

/**
 * Recursive descent over this grammar (whitespace ignored):
 *
 * <pre>
 * sum     = product (("+" | "-") product)*
 * product = unary (("*" | "/") unary)*
 * unary   = "-" unary | power
 * power   = atom (("^" | "**") unary)?        right-associative, binds tighter than unary minus on its left
 * atom    = number | "x" | function "(" sum ")" | "(" sum ")"
 * </pre>
 *
 * Errors say what was expected and at which character (1-based).
 */
final class ExpressionParser {

    static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs");

    private final String text;
    private int position;

    private ExpressionParser(String text) {
        this.text = text;
    }

    static Expression parse(String text, int maxLength) {
        if (text == null || text.isBlank()) {
            throw ServiceFailure.invalid("the expression is empty");
        }
        if (text.length() > maxLength) {
            throw ServiceFailure.invalid("the expression has " + text.length() + " characters; the limit is "
                    + maxLength);
        }
        ExpressionParser parser = new ExpressionParser(text);
        Expression expression = parser.sum(0);
        parser.skipSpace();
        if (parser.position < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.position) + "'");
        }
        return expression;
    }

    private Expression sum(int depth) {
        Expression left = product(depth);
        while (true) {
            skipSpace();
            if (accept('+')) {
                left = new Expression.Binary('+', left, product(depth));
            } else if (accept('-')) {
                left = new Expression.Binary('-', left, product(depth));
            } else {
                return left;
            }
        }
    }

    private Expression product(int depth) {
        Expression left = unary(depth);
        while (true) {
            skipSpace();
            if (peek("**")) {
                return left; // a power operator the power rule did not take: reported by the caller
            }
            if (accept('*')) {
                left = new Expression.Binary('*', left, unary(depth));
            } else if (accept('/')) {
                left = new Expression.Binary('/', left, unary(depth));
            } else {
                return left;
            }
        }
    }

    private Expression unary(int depth) {
        skipSpace();
        if (accept('-')) {
            return new Expression.Negation(unary(depth));
        }
        return power(depth);
    }

    private Expression power(int depth) {
        Expression base = atom(depth);
        skipSpace();
        if (peek("**")) {
            position += 2;
            return new Expression.Binary('^', base, unary(depth));
        }
        if (accept('^')) {
            return new Expression.Binary('^', base, unary(depth));
        }
        return base;
    }

    private Expression atom(int depth) {
        if (depth > 100) {
            throw error("the expression nests too deeply");
        }
        skipSpace();
        if (position >= text.length()) {
            throw error("expected a number, x, a function or '(' but the expression ended");
        }
        char c = text.charAt(position);
        if (c == '(') {
            position++;
            Expression inner = sum(depth + 1);
            expect(')');
            return inner;
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        if (Character.isLetter(c)) {
            int start = position;
            while (position < text.length() && Character.isLetter(text.charAt(position))) {
                position++;
            }
            String word = text.substring(start, position);
            if (word.equals("x")) {
                return new Expression.Variable();
            }
            if (FUNCTIONS.contains(word)) {
                skipSpace();
                expect('(');
                Expression argument = sum(depth + 1);
                expect(')');
                return new Expression.Call(word, argument);
            }
            position = start;
            throw error("unknown name '" + word + "': use x or one of " + String.join(", ", FUNCTIONS.stream().sorted().toList()));
        }
        throw error("expected a number, x, a function or '(' but found '" + c + "'");
    }

    private Expression number() {
        int start = position;
        while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
            position++;
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            int mark = position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-')) {
                position++;
            }
            if (position < text.length() && Character.isDigit(text.charAt(position))) {
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
            } else {
                position = mark;
            }
        }
        String literal = text.substring(start, position);
        try {
            double value = Double.parseDouble(literal);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return new Expression.Number(value);
        } catch (NumberFormatException e) {
            position = start;
            throw error("'" + literal + "' is not a number");
        }
    }

    private void expect(char c) {
        skipSpace();
        if (!accept(c)) {
            throw error(position < text.length() ? "expected '" + c + "' but found '" + text.charAt(position) + "'"
                    : "expected '" + c + "' but the expression ended");
        }
    }

    private boolean accept(char c) {
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private boolean peek(String s) {
        return text.startsWith(s, position);
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private ServiceFailure error(String what) {
        return ServiceFailure.invalid("cannot parse the expression at character " + (position + 1) + ": " + what);
    }
}
