package com.boxserve.service.training;

import ai.djl.ndarray.NDArray;

/**
 * An expression in {@code x}, parsed by {@link ExpressionParser} and evaluated as NDArray
 * operations, so the engine's autograd can differentiate it. Nothing outside this grammar is
 * ever evaluated: there is no eval, no reflection, no variable but {@code x}.
 */
sealed interface Expression {

    NDArray evaluate(NDArray x);

    record Number(double value) implements Expression {
        @Override
        public NDArray evaluate(NDArray x) {
            return x.zerosLike().add(value);
        }
    }

    record Variable() implements Expression {
        @Override
        public NDArray evaluate(NDArray x) {
            return x;
        }
    }

    record Negation(Expression operand) implements Expression {
        @Override
        public NDArray evaluate(NDArray x) {
            return operand.evaluate(x).neg();
        }
    }

    record Binary(char operator, Expression left, Expression right) implements Expression {
        @Override
        public NDArray evaluate(NDArray x) {
            NDArray a = left.evaluate(x);
            NDArray b = right.evaluate(x);
            return switch (operator) {
                case '+' -> a.add(b);
                case '-' -> a.sub(b);
                case '*' -> a.mul(b);
                case '/' -> a.div(b);
                case '^' -> a.pow(b);
                default -> throw new IllegalStateException("operator " + operator);
            };
        }
    }

    record Call(String function, Expression argument) implements Expression {
        @Override
        public NDArray evaluate(NDArray x) {
            NDArray a = argument.evaluate(x);
            return switch (function) {
                case "sin" -> a.sin();
                case "cos" -> a.cos();
                case "tan" -> a.tan();
                case "exp" -> a.exp();
                case "log" -> a.log();
                case "sqrt" -> a.sqrt();
                case "tanh" -> a.tanh();
                case "abs" -> a.abs();
                default -> throw new IllegalStateException("function " + function);
            };
        }
    }
}
