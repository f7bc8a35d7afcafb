"""outcomelab.publish"""
